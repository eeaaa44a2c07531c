#!/usr/bin/env bash
# shellcheck disable=SC2317  # cleanup and stop_group run from traps
# `npm start`: the extension in a real code-server against the local 1Claw emulator.
#
# Builds the .vsix, starts the emulator with the demo seed and code-server (from the real-host
# toolchain, installed on first use by test/realhost/setup.sh) with the extension installed from
# that .vsix and the Coder module's variables pointing at the emulator. Prints the URL and the
# demo credentials, runs until Ctrl-C, then stops both and removes its temporary directory.
# Everything listens on 127.0.0.1 only; code-server gets a private HOME, so nothing is written
# to your own ~/.claude.json or ~/.1claw.
#
#   ONECLAW_DEMO_PORT=8080       code-server's port
#   ONECLAW_DEMO_API_PORT=8787   the emulator's port
#   ONECLAW_DEMO_KEEP=1          keep the temporary directory (logs, settings) on exit
#   ONECLAW_DEMO_SKIP_BUILD=1    reuse the built out/ and package whatever dist/ holds
set -euo pipefail
cd "$(dirname "$0")/.."

editor_port="${ONECLAW_DEMO_PORT:-8080}"
api_port="${ONECLAW_DEMO_API_PORT:-8787}"

say() { printf '\033[1m[1claw demo]\033[0m %s\n' "$*"; }
die() { printf '[1claw demo] ERROR: %s\n' "$*" >&2; exit 1; }

for cmd in node npm setsid; do
  command -v "$cmd" >/dev/null 2>&1 || die "'$cmd' is not on PATH"
done
port_free() { # port
  node -e 'const s=require("net").createServer();s.once("error",()=>process.exit(1));s.listen(+process.argv[1],"127.0.0.1",()=>s.close(()=>process.exit(0)))' "$1"
}
port_free "$editor_port" || die "port $editor_port is in use on 127.0.0.1; choose another with ONECLAW_DEMO_PORT=…"
port_free "$api_port" || die "port $api_port is in use on 127.0.0.1; choose another with ONECLAW_DEMO_API_PORT=…"

work="$(mktemp -d "${TMPDIR:-/tmp}/oneclaw-demo.XXXXXX")"
emulator_pid=""
editor_pid=""

# Stop a process group by its leader's PID: SIGTERM, then SIGKILL after a bounded wait.
stop_group() { # pid name
  local pid="$1" name="$2" i
  [[ -n "$pid" ]] || return 0
  kill -0 -- "-$pid" 2>/dev/null || return 0
  kill -TERM -- "-$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    kill -0 -- "-$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  say "$name did not stop within 5 s; killing it"
  kill -KILL -- "-$pid" 2>/dev/null || true
}

cleanup() {
  local code=$?
  trap - EXIT INT TERM
  say "stopping…"
  stop_group "$editor_pid" "code-server"
  stop_group "$emulator_pid" "the emulator"
  if [[ "${ONECLAW_DEMO_KEEP:-0}" == "1" ]]; then
    say "kept $work"
  else
    rm -rf "$work"
  fi
  say "stopped."
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# 1. Build: the .vsix (production bundle) and the emulator (compiled with the tests).
vsix="$work/vscode-1claw.vsix"
if [[ "${ONECLAW_DEMO_SKIP_BUILD:-0}" == "1" ]]; then
  say "packaging the extension (ONECLAW_DEMO_SKIP_BUILD=1: reusing out/)"
  ONECLAW_VSIX="$vsix" node scripts/package.mjs >"$work/package.log" 2>&1 || { cat "$work/package.log" >&2; die "packaging failed"; }
else
  say "building the extension and the emulator"
  ONECLAW_VSIX="$vsix" npm run --silent package >"$work/package.log" 2>&1 || { cat "$work/package.log" >&2; die "npm run package failed"; }
  npx --no-install tsc -p test/tsconfig.json >"$work/tsc.log" 2>&1 || { cat "$work/tsc.log" >&2; die "compiling the emulator failed"; }
fi
[[ -f "$vsix" ]] || die "npm run package did not write $vsix"
[[ -f out/test/emulator/cli.js ]] || die "out/test/emulator/cli.js is missing: run npm run compile-tests"

# 2. The editor: code-server and node 24 (installed once into ~/.cache/oneclaw-realhost).
bash test/realhost/setup.sh >"$work/setup.log" 2>&1 || { cat "$work/setup.log" >&2; die "test/realhost/setup.sh failed"; }
# shellcheck disable=SC1091
. "${ONECLAW_TOOLS_DIR:-${HOME:?}/.cache/oneclaw-realhost}/env.sh"
[[ -x "${ONECLAW_CODE_SERVER_CLI:-}" ]] || die "code-server is missing (ONECLAW_CODE_SERVER_CLI); re-run test/realhost/setup.sh"

# A private home for code-server and everything it starts.
home="$work/home"
mkdir -p "$home" "$work/xdg/config" "$work/xdg/cache" "$work/xdg/data" "$work/tmp" \
  "$work/user-data/User" "$work/extensions" "$work/workspace"
printf '{\n  "workbench.startupEditor": "none",\n  "git.openRepositoryInParentFolders": "never"\n}\n' >"$work/user-data/User/settings.json"
cat >"$work/workspace/README.md" <<'EOF'
# 1Claw demo workspace

Open the 1Claw view in the activity bar: the vaults and secret paths the demo agent can reach.
The status bar item shows the connection; click it for the token status.
EOF

private_env() {
  export HOME="$home" XDG_CONFIG_HOME="$work/xdg/config" XDG_CACHE_HOME="$work/xdg/cache" \
    XDG_DATA_HOME="$work/xdg/data" TMPDIR="$work/tmp"
}

# 3. The emulator (demo seed). Its own session: Ctrl-C reaches only this script, which stops it.
say "starting the 1Claw emulator on 127.0.0.1:$api_port"
(private_env && exec setsid node out/test/emulator/cli.js --port "$api_port" --seed demo) >"$work/emulator.log" 2>&1 &
emulator_pid=$!
for ((i = 0; i < 100; i++)); do
  grep -q '^  Agent key ' "$work/emulator.log" 2>/dev/null && break
  kill -0 "$emulator_pid" 2>/dev/null || { cat "$work/emulator.log" >&2; die "the emulator exited"; }
  sleep 0.1
done
grep -q '^  Agent key ' "$work/emulator.log" || { cat "$work/emulator.log" >&2; die "the emulator did not start within 10 s"; }
# Banner lines are "  <label>  <value>" with at least two spaces after the label.
field() { sed -n "s/^  $1  \+//p" "$work/emulator.log" | head -n 1; }
agent_key="$(field 'Agent key')"
human_key="$(field 'Human key')"
human_email="$(field 'Human')"
admin_token="$(field 'Admin token' | cut -d' ' -f1)"
read -r agent_name agent_id <<<"$(field 'Agent')"
read -r vault_name vault_id <<<"$(field 'Vaults')"
[[ "$agent_key" == ocv_* && "$human_key" == 1ck_* && -n "$vault_id" && -n "$agent_id" ]] || die "could not read the demo credentials from $work/emulator.log"

# 4. code-server with the extension from the fresh .vsix, and the Coder module's variables.
say "installing the extension from the .vsix into code-server"
(private_env && "$ONECLAW_CODE_SERVER_CLI" --user-data-dir "$work/user-data" --extensions-dir "$work/extensions" \
  --install-extension "$vsix") >"$work/install.log" 2>&1 || { cat "$work/install.log" >&2; die "code-server --install-extension failed"; }

say "starting code-server on 127.0.0.1:$editor_port"
(
  private_env
  # The variables the Coder module injects with coder_env (values via the environment, never argv).
  export ONECLAW_BASE_URL="http://127.0.0.1:$api_port" ONECLAW_MCP_URL="http://127.0.0.1:$api_port/mcp"
  export ONECLAW_AGENT_API_KEY="$agent_key" ONECLAW_VAULT_ID="$vault_id" ONECLAW_AGENT_ID="$agent_id"
  exec setsid "$ONECLAW_CODE_SERVER_CLI" --auth none --bind-addr "127.0.0.1:$editor_port" \
    --disable-telemetry --disable-update-check --disable-workspace-trust \
    --user-data-dir "$work/user-data" --extensions-dir "$work/extensions" "$work/workspace"
) >"$work/code-server.log" 2>&1 &
editor_pid=$!
ready=0
for ((i = 0; i < 300; i++)); do
  if node -e 'fetch(process.argv[1],{signal:AbortSignal.timeout(1000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))' "http://127.0.0.1:$editor_port/healthz" 2>/dev/null; then
    ready=1
    break
  fi
  kill -0 "$editor_pid" 2>/dev/null || { cat "$work/code-server.log" >&2; die "code-server exited"; }
  sleep 0.2
done
((ready)) || { tail -n 30 "$work/code-server.log" >&2; die "code-server did not answer within 60 s"; }

cat <<EOF

  ┌─ 1Claw demo ───────────────────────────────────────────────────────────────
  │ Open http://127.0.0.1:$editor_port/ in your browser.
  │ The 1Claw status bar item reads "1Claw: $vault_name" once connected; the
  │ 1Claw view lists the vaults and paths the demo agent can reach (never values).
  │
  │ Demo credentials (random on every start; local emulator only):
  │   Human          $human_email
  │   Human key      $human_key   (for Bootstrap / Revoke prompts)
  │   Agent          $agent_name $agent_id
  │   Agent key      injected as ONECLAW_AGENT_API_KEY
  │   Vault          $vault_name $vault_id
  │   1Claw API      http://127.0.0.1:$api_port  (admin: X-Emulator-Admin: $admin_token)
  │
  │ code-server pid $editor_pid, emulator pid $emulator_pid; logs in $work
  │ Press Ctrl-C to stop.
  └────────────────────────────────────────────────────────────────────────────

EOF

# Run until Ctrl-C (the INT trap exits and cleans up) or until code-server stops by itself.
set +e
while kill -0 "$editor_pid" 2>/dev/null && kill -0 "$emulator_pid" 2>/dev/null; do
  sleep 1
done
say "code-server or the emulator stopped by itself; see $work (kept)"
export ONECLAW_DEMO_KEEP=1
exit 1
