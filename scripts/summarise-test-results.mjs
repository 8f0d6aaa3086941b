// Adds up the JSON reports every vitest run wrote, in the folder and its sub-folders (.ci/run puts
// the second runtime's under node26/), and prints one plain closing line:
// "Tests: N passed, N failed, N skipped", after one line per failed test or file (a CI log is often
// read only from its end). Exits non-zero when a test failed or none ran.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
let files = [];
try {
  files = readdirSync(dir, { recursive: true }).filter((f) => f.endsWith('.json'));
} catch {
  // no reports at all: reported below as zero tests
}
const total = { passed: 0, failed: 0, skipped: 0 };
for (const file of files) {
  const report = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  // A failed test counts once; a file counts only when it failed with no failed test (it did not
  // load, or a hook failed). vitest's numFailedTestSuites counts each describe around a failed test too.
  let filesFailedAlone = 0;
  for (const suite of report.testResults ?? []) {
    const failed = (suite.assertionResults ?? []).filter((t) => t.status === 'failed');
    for (const test of failed) console.log(`FAILED (${file}) ${suite.name} > ${test.fullName ?? test.title}`);
    if (suite.status === 'failed' && failed.length === 0) {
      filesFailedAlone += 1;
      console.log(`FAILED (${file}) ${suite.name}: ${(suite.message ?? '').split('\n')[0]}`);
    }
  }
  total.passed += report.numPassedTests ?? 0;
  total.failed += (report.numFailedTests ?? 0) + filesFailedAlone;
  total.skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
}
console.log(`Tests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(total.failed > 0 || total.passed === 0 ? 1 : 0);
