/**
 * The security findings of issue 13, each proven by a test: `finding(id, title, testName, fn)`
 * registers a mocha `it` and records its result; when the run ends, one table prints every row
 * registered by every file of the run ("finding | test | result"), and names the findings of
 * issue 13 no file of this run covered. The hook is installed once, at the root, by the first
 * file that imports this module, so any number of files can add rows to one table.
 */
import { printTable } from './stack';

export interface FindingRow {
  id: string;
  title: string;
  test: string;
  file: string;
  result: 'pass' | 'FAIL' | 'not run';
}

/** Issue 13's findings, so the table can say which ones this run did not cover. */
export const ISSUE_13_FINDINGS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11'];

const rows: FindingRow[] = [];

export function finding(id: string, title: string, testName: string, fn: (this: Mocha.Context) => Promise<void> | void): Mocha.Test {
  const caller = new Error().stack?.split('\n')[2]?.match(/([^/\\(]+\.test\.[jt]s)/)?.[1] ?? '?';
  const row: FindingRow = { id, title, test: testName, file: caller.replace(/\.js$/, '.ts'), result: 'not run' };
  rows.push(row);
  return it(`finding ${id} (${title}): ${testName}`, async function () {
    try {
      await fn.call(this);
      row.result = 'pass';
    } catch (err) {
      row.result = 'FAIL';
      throw err;
    }
  });
}

export function printFindingsTable(): void {
  const sorted = [...rows].sort((a, b) => Number(a.id) - Number(b.id) || a.title.localeCompare(b.title));
  printTable('Issue 13 security findings', ['Finding', 'Test', 'Result'], sorted.map((r) => [`${r.id}. ${r.title}`, `${r.file}: ${r.test}`, r.result]), 140);
  const missing = ISSUE_13_FINDINGS.filter((id) => !rows.some((r) => r.id === id));
  if (missing.length) console.log(`Findings with no test in this run: ${missing.join(', ')}`);
}

// Root level (this module is first imported while mocha loads spec files): after every file's tests.
after(printFindingsTable);
