#!/usr/bin/env bash
# Runs Jest, then closes the output with one plain line, 'Tests: N passed, N failed', which CI reads
# as the run's count (Jest's own summary is not a format it knows); a test file that could not run
# counts as a failure. Jest's exit status is kept.
set -uo pipefail
cd "$(dirname "$0")/../../../.."
mkdir -p .fleet
results=.fleet/jest-results.json
rm -f "$results"
# Replaying the ticketing bundle (16 MB) late in a long run outgrew the default heap of a Jest worker.
export NODE_OPTIONS="${NODE_OPTIONS:-} --max-old-space-size=6144"
npx jest --json --outputFile="$results" "$@"
status=$?
if [ -f "$results" ]; then
  node -e 'const r = require(process.argv[1]); const skipped = r.numPendingTests + r.numTodoTests;
    const failed = r.numFailedTests + r.numRuntimeErrorTestSuites;
    console.log(`Tests: ${r.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);' "$PWD/$results"
fi
exit $status
