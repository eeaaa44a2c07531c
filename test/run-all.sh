#!/usr/bin/env bash
# shellcheck disable=SC2317 # stage functions are called indirectly, through `stage`
# The whole test suite — what `npm test` and CI run. Each stage prints its time; a failing
# stage makes the run fail, but later independent stages still run so one run shows everything.
# The summary gives each stage one of three outcomes: PASS, FAIL, or NOT RUN with the reason
# (a stage that did not run is never counted as passed, and does not fail the run).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

# Run as root (CI, shared machines): re-run under a private group id chosen for this run, so the
# last stage can tell every file this run created from other people's (test/support/leftovers.ts).
if [[ "$(id -u)" == 0 && -z "${ONECLAW_RUN_GID:-}" ]] && command -v setpriv >/dev/null 2>&1; then
  run_gid=$((1500000000 + (RANDOM << 15 | RANDOM) % 100000000))
  if setpriv --regid="$run_gid" --keep-groups true 2>/dev/null; then
    export ONECLAW_RUN_GID="$run_gid"
    exec setpriv --regid="$run_gid" --keep-groups -- bash "$PWD/test/run-all.sh" "$@"
  fi
fi

results_dir="test-results"
rm -rf "$results_dir"
mkdir -p "$results_dir/tmp"
# What /tmp held when the run started; the file's time is the run's start (leftover check).
ls -A /tmp >"$results_dir/tmp-before.txt" 2>/dev/null || true
summary=()
failed=0

# Nothing outside the repository and the tools cache: temporary files in test-results/tmp, every
# npm the run starts uses the tools cache (not ~/.npm), nested tools honour both.
export TMPDIR="$PWD/$results_dir/tmp"
export ONECLAW_TOOLS_DIR="${ONECLAW_TOOLS_DIR:-${HOME:?HOME is not set}/.cache/oneclaw-realhost}"
export npm_config_cache="$ONECLAW_TOOLS_DIR/npm-cache"
export PATH="$PWD/node_modules/.bin:$PATH"

# Every emulator started by any suite records the markers it issued here (for the leak scan).
export ONECLAW_CANARY_DIR="$PWD/$results_dir/canaries"
# The process table, sampled every second for the whole run (bounded to two hours), so the leak
# scan can prove no key or token ever appeared in a process's arguments.
sample_processes() {
  local i
  for ((i = 0; i < 7200; i++)); do
    ps -eo args= >>"$results_dir/process-args.raw" 2>/dev/null || true
    sleep 1
  done
}
sample_processes &
sampler_pid=$!
trap 'kill "$sampler_pid" 2>/dev/null || true' EXIT

stage() {
  local name="$1"
  shift
  local started=$SECONDS
  printf '\n\033[1m== %s ==\033[0m\n' "$name"
  if "$@"; then
    summary+=("PASS     $(printf '%4ss' $((SECONDS - started)))  $name")
  else
    summary+=("FAIL     $(printf '%4ss' $((SECONDS - started)))  $name")
    failed=1
  fi
}
not_run() { # name reason
  printf '\n\033[1m== %s ==\033[0m\nnot run: %s\n' "$1" "$2"
  summary+=("NOT RUN         $1 (not run: $2)")
}

# Build first: nothing else is meaningful if this fails.
build() {
  node scripts/build.mjs && tsc -p . --noEmit && tsc -p test/tsconfig.json
}
stage "build, type-check, compile tests" build || true
if ((failed)); then
  printf '%s\n' "${summary[@]}"
  exit 1
fi

stage "lint (ESLint + typescript-eslint)" eslint --max-warnings 0 .
# The real Claude Code CLI, which the MCP suite uses to read back our ~/.claude.json entry.
install_claude() {
  local bin
  bin="$(bash test/support/setup-claude.sh | tail -n 1)" || return 1
  export ONECLAW_CLAUDE_BIN="$bin"
}
stage "install the Claude Code CLI (cached)" install_claude
# The other AI-client CLIs the client matrix reads our entries back with (pinned; cached). A client
# that cannot be installed is listed as NOT RUN with the reason, and its cells say so.
install_clients() {
  bash test/support/setup-clients.sh >"$results_dir/client-bins.tsv" || return 1
  export ONECLAW_CLIENT_BINS="$PWD/$results_dir/client-bins.tsv"
  if grep -q $'\tNOT RUN\t' "$ONECLAW_CLIENT_BINS"; then
    echo "not installed (their matrix cells are NOT RUN):"
    grep $'\tNOT RUN\t' "$ONECLAW_CLIENT_BINS"
  fi
  return 0
}
stage "install the AI client CLIs (cached)" install_clients
node_tests() {
  mocha --config test/.mocharc.json 2>&1 | tee "$results_dir/node-tests.log"
}
stage "unit and integration tests (node)" node_tests
# The contract: our API client and the emulator against 1Claw's own OpenAPI document, which is not
# part of this repository (ONECLAW_OPENAPI_PATH, or ../shared/1claw/openapi.json beside it).
contract_tests() {
  mocha --timeout 30000 --exit 'out/test/contract/**/*.test.js' 2>&1 | tee "$results_dir/contract-tests.log"
}
if spec="$(node out/test/contract/openapi-spec.js)"; then
  stage "contract: client schemas and emulator vs the OpenAPI spec ($spec)" contract_tests
else
  not_run "contract: client schemas and emulator vs the OpenAPI spec" "$spec"
fi
stage "package the .vsix" bash -c 'ONECLAW_VSIX=test-results/oneclaw.vsix npm run --silent package'
stage "reliability: faults and hostile input" mocha --timeout 120000 --exit 'out/test/reliability/**/*.test.js'
# Every AI client × (written, read back by the real client, real connection, removed on revoke, no key on disk).
client_matrix() {
  ONECLAW_MATRIX_OUT="$results_dir/client-matrix.txt" mocha --timeout 600000 --exit 'out/test/clients/**/*.test.js' 2>&1 | tee "$results_dir/client-matrix.log"
}
stage "client matrix: real AI clients against our entries" client_matrix
# Real VS Code server + headless Chromium: in-host suites, UI, `npm start` (installs its toolchain on first use).
stage "real host: VS Code server + Chromium" env ONECLAW_REALHOST_SKIP_BUILD=1 bash test/realhost/run.sh
# The Coder module: static checks, real Terraform against the emulator (the sub-modules' own
# `terraform test` files included), the workspace scripts. main.tftest.hcl mocks the coder
# provider, which cannot be downloaded here: its line says NOT RUN, never PASS.
stage "Terraform module and workspace scripts (terraform test included)" npm run --silent test:terraform
tftest_summary="$results_dir/terraform/tftest-summary.txt"
if [[ -f "$tftest_summary" ]]; then
  while IFS= read -r line; do summary+=("$line"); done <"$tftest_summary"
else
  summary+=("FAIL            terraform test: no summary was written (see the Terraform stage)")
  failed=1
fi

# Nothing any stage left behind may hold a key, a token or a secret value.
leak_scan() {
  kill "$sampler_pid" 2>/dev/null || true
  sort -u "$results_dir/process-args.raw" >"$results_dir/process-args.txt" && rm -f "$results_dir/process-args.raw"
  node out/test/reliability/leakScan.js "$results_dir"
}
stage "leak scan of every artefact, file and process argument of this run" leak_scan
# Last: nothing was left in /tmp or ~/.npm (see test/support/leftovers.ts for how the run's own
# files are told apart from other people's on a shared machine).
leftovers() {
  node out/test/support/leftovers.js check "$results_dir/tmp-before.txt" ${ONECLAW_RUN_GID:+--gid "$ONECLAW_RUN_GID"}
}
stage "nothing left in /tmp or ~/.npm" leftovers

printf '\n\033[1m== summary ==\033[0m\n'
printf '%s\n' "${summary[@]}"
exit "$failed"
