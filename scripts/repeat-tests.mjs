// Summarises the runs of scripts/repeat-tests.sh: per run its exit status, time and counts, then every test that
// failed at least once with failures/N, its file and the first line of its first failure. Exit 1 if any did.
import fs from 'node:fs';
import path from 'node:path';

const [dir, runsArg] = process.argv.slice(2);
const runs = Number(runsArg);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const relative = file => path.relative(root, file);
const firstLine = text =>
  (text ?? '')
    .replace(/\u001b\[[0-9;]*m/g, '')
    .split('\n')
    .map(line => line.trim())
    .find(line => line && !line.startsWith('●')) ?? '';

const timings = fs
  .readFileSync(path.join(dir, 'runs.tsv'), 'utf8')
  .trim()
  .split('\n')
  .filter(Boolean)
  .map(line => line.split('\t').map(Number));

/** key -> { test, file, runs: Set<run>, reason } */
const failures = new Map();
const note = (run, test, file, reason) => {
  const key = `${file}\u0000${test}`;
  const entry = failures.get(key) ?? { test, file, runs: new Set(), reason };
  entry.runs.add(run);
  failures.set(key, entry);
};

const rows = [];
let incomplete = false;
for (const [run, status, seconds] of timings) {
  const reportFile = path.join(dir, `run-${run}.json`);
  if (!fs.existsSync(reportFile)) {
    incomplete = true;
    rows.push({ run, status, seconds, tests: '-', failed: '-', note: `no report; see ${relative(path.join(dir, `run-${run}.log`))}` });
    continue;
  }
  const report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
  let failedHere = 0;
  for (const suite of report.testResults) {
    const file = relative(suite.name);
    const failedTests = suite.assertionResults.filter(test => test.status === 'failed');
    for (const test of failedTests) note(run, test.fullName, file, firstLine(test.failureMessages?.[0]));
    failedHere += failedTests.length;
    // a file that failed outside its tests: it did not compile, a hook threw, or an error arrived after the tests
    if (suite.status === 'failed' && failedTests.length === 0) {
      note(run, '(test file)', file, firstLine(suite.message));
      failedHere += 1;
    }
  }
  const noteText = status !== 0 && failedHere === 0 ? 'jest exited non-zero without a failed test' : '';
  if (noteText) incomplete = true;
  rows.push({ run, status, seconds, tests: report.numTotalTests, failed: failedHere, note: noteText });
}

const lines = ['run  exit  seconds  tests  failed'];
for (const row of rows) {
  lines.push(
    `${String(row.run).padEnd(5)}${String(row.status).padEnd(6)}${String(row.seconds).padEnd(9)}${String(row.tests).padEnd(7)}${row.failed}${row.note ? `  ${row.note}` : ''}`,
  );
}
const sorted = [...failures.values()].sort((a, b) => b.runs.size - a.runs.size || a.file.localeCompare(b.file));
if (sorted.length) {
  lines.push('', `tests that failed at least once (${sorted.length}):`);
  for (const entry of sorted) {
    lines.push(`  ${entry.runs.size}/${runs}  ${entry.file}  ${entry.test}`);
    lines.push(`        runs ${[...entry.runs].join(', ')}: ${entry.reason}`);
  }
} else {
  lines.push('', `no test failed in ${runs} run${runs === 1 ? '' : 's'}`);
}
const summary = lines.join('\n');
fs.writeFileSync(path.join(dir, 'summary.txt'), `${summary}\n`);
fs.writeFileSync(
  path.join(dir, 'summary.json'),
  JSON.stringify({ runs: rows, failures: sorted.map(entry => ({ ...entry, runs: [...entry.runs], failures: entry.runs.size })) }, null, 2),
);
console.log(summary);
process.exit(sorted.length || incomplete ? 1 : 0);
