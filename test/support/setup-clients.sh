#!/usr/bin/env bash
# Installs the real AI-client CLIs the client matrix reads our entries back with, pinned, into
# the shared tools cache (one folder each, beside claude-code/), the way setup-claude.sh does:
# npm's download cache lives inside the client's folder while installing and is removed after
# (never ~/.npm), no npx, nothing in /tmp. Idempotent: an installed client is only re-checked.
#
# Usage: setup-clients.sh [id ...]   (default: every client below)
# Prints one line per client on stdout: `<id>\t<absolute binary>` when it is ready, or
# `<id>\tNOT RUN\t<reason>` when it could not be installed (the matrix then reports NOT RUN,
# never a pass). Progress and install times go to stderr. Exit 0 unless the usage is wrong.
set -uo pipefail

tools_dir="${ONECLAW_TOOLS_DIR:-$HOME/.cache/oneclaw-realhost}"
root="$tools_dir/ai-clients"

# id | npm package@version (TOOLING.md) | binary under node_modules/.bin | expected --version prefix | packages whose install scripts must run
CLIENTS=(
  "codex|@openai/codex@0.171.0|codex|codex-cli 0.171.0|"
  "gemini|@google/gemini-cli@0.61.0|gemini|0.61.0|"
  "copilot|@github/copilot@1.0.102|copilot|GitHub Copilot CLI 1.0.102|"
  "opencode|opencode-ai@1.18.33|opencode|1.18.33|opencode-ai"
  "qwen|@qwen-code/qwen-code@0.15.10|qwen|0.15.10|"
  "continue|@continuedev/cli@1.5.47|cn|1.5.47|"
  # Kilo's latest (7.8.x) needs a platform package the registry here lacks: 7.7.7 installs.
  "kilo|@kilocode/cli@7.7.7|kilo|7.7.7|@kilocode/cli"
)

if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  for spec in "${CLIENTS[@]}"; do printf '%s\tNOT RUN\tthe test clients are installed for Linux x86_64 only\n' "${spec%%|*}"; done
  exit 0
fi

wanted=("$@")
want() {
  [ ${#wanted[@]} -eq 0 ] && return 0
  local w
  for w in "${wanted[@]}"; do [ "$w" = "$1" ] && return 0; done
  return 1
}
for w in "${wanted[@]}"; do
  known=0
  for spec in "${CLIENTS[@]}"; do [ "${spec%%|*}" = "$w" ] && known=1; done
  if [ $known = 0 ]; then echo "usage: setup-clients.sh [codex|gemini|copilot|opencode|qwen|continue|kilo ...]" >&2; exit 2; fi
done

install_one() { # id package binary expected scripts
  local id="$1" package="$2" bin="$3" expected="$4" scripts="$5"
  local prefix="$root/$id"
  local binary="$prefix/node_modules/.bin/$bin"
  local stamp="$prefix/.installed-${package//\//_}"
  if [ ! -f "$stamp" ] || [ ! -x "$binary" ]; then
    rm -rf "${prefix:?}"
    mkdir -p "$prefix"
    # Install scripts stay off except for the packages that need theirs to place a binary.
    local allow="" s
    for s in $scripts; do allow="$allow\"$s\":true,"; done
    printf '{"name":"oneclaw-client-%s","private":true,"allowScripts":{%s"esbuild":false}}\n' "$id" "$allow" >"$prefix/package.json"
    local started=$SECONDS
    echo "Installing $package into $prefix …" >&2
    # Install scripts write temporary files: keep them in the prefix too (TMPDIR), never in /tmp.
    mkdir -p "$prefix/.tmp"
    if ! timeout 600 env "npm_config_cache=$prefix/.npm-cache" "TMPDIR=$prefix/.tmp" npm_config_yes=true npm install --no-save --no-package-lock --no-audit --no-fund \
        --prefix "$prefix" "$package" >"$prefix/install.log" 2>&1; then
      rm -rf "$prefix/.npm-cache" "$prefix/.tmp"
      printf '%s\tNOT RUN\tnpm could not install %s (see %s)\n' "$id" "$package" "$prefix/install.log"
      return
    fi
    rm -rf "$prefix/.npm-cache" "$prefix/.tmp"
    if [ ! -x "$binary" ]; then
      printf '%s\tNOT RUN\t%s installed, but %s is missing\n' "$id" "$package" "$binary"
      return
    fi
    touch "$stamp"
    echo "$id: installed in $((SECONDS - started)) s, $(du -sm "$prefix" | cut -f1) MB" >&2
  fi
  # --version with HOME inside the prefix, so no client writes into the real home.
  local version
  version="$(cd "$prefix" && HOME="$prefix/home" XDG_CONFIG_HOME="$prefix/home/.config" XDG_DATA_HOME="$prefix/home/.local/share" XDG_STATE_HOME="$prefix/home/.local/state" XDG_CACHE_HOME="$prefix/home/.cache" TMPDIR="$prefix/home/tmp" \
    bash -c 'mkdir -p "$TMPDIR" && timeout 60 "$0" --version' "$binary" 2>/dev/null | head -n 5 | tr -d '\r')"
  rm -rf "${prefix:?}/home"
  case "$version" in
    *"$expected"*) printf '%s\t%s\n' "$id" "$binary" ;;
    *) printf '%s\tNOT RUN\t%s --version printed "%s", expected %s\n' "$id" "$binary" "$(printf '%s' "$version" | head -c 120 | tr '\n\t' '  ')" "$expected" ;;
  esac
}

for spec in "${CLIENTS[@]}"; do
  IFS='|' read -r id package bin expected scripts <<<"$spec"
  want "$id" || continue
  install_one "$id" "$package" "$bin" "$expected" "$scripts"
done
exit 0
