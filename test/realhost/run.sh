#!/usr/bin/env bash
# The real-host stage (`npm run test:realhost`): installs or checks the toolchain (setup.sh,
# cached in ~/.cache/oneclaw-realhost), builds the extension and the tests, runs the in-host
# suites in a real VS Code server + headless Chromium (runner.js), then checks the README's run
# command (`npm start` → scripts/demo.sh) serves a workbench where 1Claw is connected.
# Exits non-zero on any failure. Artefacts: test-results/realhost/.
#
#   ONECLAW_REALHOST_SKIP_BUILD=1   reuse dist/ and out/ (test/run-all.sh has just built them)
#   ONECLAW_REALHOST_SKIP_DEMO=1    skip the `npm start` check
#   ONECLAW_REALHOST_UPDATE_SCREENSHOT=1  also write media/screenshots/connected.png
#   extra arguments select scenarios: agent, bootstrap, dialog
set -euo pipefail
cd "$(dirname "$0")/../.."

t0=$SECONDS
bash test/realhost/setup.sh
setup_seconds=$((SECONDS - t0))
tools_dir="${ONECLAW_TOOLS_DIR:-${HOME:?}/.cache/oneclaw-realhost}"
# shellcheck disable=SC1091
. "$tools_dir/env.sh"

if [[ "${ONECLAW_REALHOST_SKIP_BUILD:-0}" != "1" ]]; then
  node scripts/build.mjs
  npx --no-install tsc -p test/tsconfig.json
fi

t1=$SECONDS
status=0
node out/test/realhost/runner.js "$@" || status=$?
suite_seconds=$((SECONDS - t1))

demo_seconds=0
if [[ "${ONECLAW_REALHOST_SKIP_DEMO:-0}" != "1" && $# -eq 0 ]]; then
  t2=$SECONDS
  node out/test/realhost/demoCheck.js || status=1
  demo_seconds=$((SECONDS - t2))
fi

printf '[realhost] setup %ss, in-host suites %ss, npm start check %ss: %s\n' \
  "$setup_seconds" "$suite_seconds" "$demo_seconds" "$([[ $status -eq 0 ]] && echo PASS || echo FAIL)"
exit "$status"
