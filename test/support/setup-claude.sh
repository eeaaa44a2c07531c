#!/usr/bin/env bash
# Installs the real Claude Code CLI (pinned) into the shared tools cache, outside the package's
# own dependencies (its native binary is ~380 MB). Idempotent: a second run is a no-op.
# Prints the binary's path on the last line.
set -euo pipefail

CLAUDE_CODE_VERSION=2.1.330
tools_dir="${ONECLAW_TOOLS_DIR:-$HOME/.cache/oneclaw-realhost}"
prefix="$tools_dir/claude-code"
binary="$prefix/node_modules/@anthropic-ai/claude-code-linux-x64/claude"
stamp="$prefix/.installed-$CLAUDE_CODE_VERSION"

if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "ERROR: the Claude Code test client is installed for Linux x86_64 only (this is $(uname -s)-$(uname -m))." >&2
  exit 1
fi

if [ ! -f "$stamp" ] || [ ! -x "$binary" ]; then
  rm -rf "$prefix"
  mkdir -p "$prefix"
  # We run the native binary directly, so its postinstall (which only links it) is not needed.
  printf '{"name":"oneclaw-claude-code","private":true,"allowScripts":{"@anthropic-ai/claude-code":false}}\n' >"$prefix/package.json"
  echo "Installing @anthropic-ai/claude-code@$CLAUDE_CODE_VERSION into $prefix …" >&2
  # npm's download cache lives in the prefix while installing and is removed after (never ~/.npm).
  if ! timeout 900 env "npm_config_cache=$prefix/.npm-cache" npm install --no-save --no-package-lock --no-audit --no-fund \
      --prefix "$prefix" "@anthropic-ai/claude-code@$CLAUDE_CODE_VERSION" >"$prefix/install.log" 2>&1; then
    echo "ERROR: could not install @anthropic-ai/claude-code@$CLAUDE_CODE_VERSION from the npm registry; see $prefix/install.log" >&2
    tail -20 "$prefix/install.log" >&2
    exit 1
  fi
  rm -rf "$prefix/.npm-cache"
  if [ ! -x "$binary" ]; then
    echo "ERROR: the Claude Code package installed, but its native binary is missing at $binary" >&2
    exit 1
  fi
  touch "$stamp"
fi

version="$(HOME="$prefix" timeout 60 "$binary" --version 2>/dev/null || true)"
case "$version" in
  "$CLAUDE_CODE_VERSION"*) ;;
  *) echo "ERROR: $binary reports version '$version', expected $CLAUDE_CODE_VERSION" >&2; exit 1 ;;
esac
echo "$binary"
