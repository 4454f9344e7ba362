#!/usr/bin/env bash
# The whole test suite: typecheck, lint, web build, then vitest (unit, integration against a real influxd,
# end-to-end in Debian's Chromium). Ends with one plain line `vitest: N passed, N failed, N skipped`.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/debian-deps.sh || exit 1
rc=0
echo "== typecheck"; npx tsc --noEmit -p tsconfig.json || rc=1
echo "== lint"; npx eslint . || rc=1
echo "== format"; npx prettier --check --log-level warn "**/*.ts" || rc=1
echo "== build web"; node scripts/build-web.mjs || rc=1
echo "== vitest"
rm -f vitest-report.json
NO_COLOR=1 npx vitest run --reporter=default --reporter=json --outputFile.json=vitest-report.json "$@"
vrc=$?
if [ -f vitest-report.json ]; then
  node -e 'const r=require("./vitest-report.json");console.log(`vitest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests+r.numTodoTests} skipped`)'
else
  echo "vitest: 0 passed, 1 failed, 0 skipped"
  vrc=1
fi
[ $vrc -ne 0 ] && rc=$vrc
exit $rc
