#!/usr/bin/env bash
# npm run bench: build, compile, then measure (see test/bench/index.ts).
set -euo pipefail
cd "$(dirname "$0")/../.."
node scripts/build.mjs >/dev/null
npx tsc -p test/tsconfig.json
node --expose-gc out/test/bench/index.js
