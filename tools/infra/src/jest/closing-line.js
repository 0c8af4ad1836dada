// A Jest reporter that ends the run with one plain line, 'Tests: N passed, N failed', which CI reads
// as the run's count (Jest's own summary is not a format it knows).
class ClosingLine {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    process.stdout.write(`Tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
  }
}
module.exports = ClosingLine;
