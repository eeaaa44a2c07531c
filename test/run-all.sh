#!/usr/bin/env bash
# The whole test suite — what `npm test` and CI run. Each stage prints its time; a failing
# stage makes the run fail, but later independent stages still run so one run shows everything.
set -uo pipefail
cd "$(dirname "$0")/.."

results_dir="test-results"
rm -rf "$results_dir"
mkdir -p "$results_dir"
summary=()
failed=0

stage() {
  local name="$1"
  shift
  local started=$SECONDS
  printf '\n\033[1m== %s ==\033[0m\n' "$name"
  if "$@"; then
    summary+=("PASS  $(printf '%4ss' $((SECONDS - started)))  $name")
  else
    summary+=("FAIL  $(printf '%4ss' $((SECONDS - started)))  $name")
    failed=1
  fi
}

# Build first: nothing else is meaningful if this fails.
build() {
  node scripts/build.mjs && npx tsc -p . --noEmit && npx tsc -p test/tsconfig.json
}
stage "build, type-check, compile tests" build || true
if ((failed)); then
  printf '%s\n' "${summary[@]}"
  exit 1
fi

# The real Claude Code CLI, which the MCP suite uses to read back our ~/.claude.json entry.
install_claude() {
  local bin
  bin="$(bash test/support/setup-claude.sh | tail -n 1)" || return 1
  export ONECLAW_CLAUDE_BIN="$bin"
}
stage "install the Claude Code CLI (cached)" install_claude
stage "unit, integration and contract tests (node)" npx mocha --config test/.mocharc.json
stage "package the .vsix" bash -c 'ONECLAW_VSIX=test-results/oneclaw.vsix npm run --silent package'
stage "reliability: faults and hostile input" npx mocha --timeout 120000 --exit 'out/test/reliability/**/*.test.js'

printf '\n\033[1m== summary ==\033[0m\n'
printf '%s\n' "${summary[@]}"
exit "$failed"
