import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JUnitReader } from '../../src/adapters/junit-reader.js';

const fixtures = fileURLToPath(new URL('../fixtures/junit/', import.meta.url));
const reader = new JUnitReader();

describe('JUnitReader', () => {
  let scratch: string | undefined;

  afterEach(async () => {
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
    scratch = undefined;
  });

  it("reads vitest's junit reporter output: totals, skipped, failures with their message attribute", async () => {
    const summary = await reader.read('vitest.xml', fixtures);

    expect(summary).toEqual({
      total: 4,
      passed: 1,
      failed: 2,
      skipped: 1,
      failures: [
        {
          name: 'api.test.ts > invoices api > rejects a negative amount <0> & "quotes"',
          message: 'expected { amount: -1 } to deeply equal { amount: 1 }',
        },
        { name: 'api.test.ts > invoices api > throws', message: 'boom <b>' },
      ],
    });
  });

  it('reads jest-junit output, where the failure message is the element text', async () => {
    const summary = await reader.read('jest-junit.xml', fixtures);

    expect(summary.problem).toBeUndefined();
    expect([summary.total, summary.passed, summary.failed, summary.skipped]).toEqual([3, 1, 1, 1]);
    expect(summary.failures).toHaveLength(1);
    // classname and name are the same in jest-junit's default: the name is not repeated.
    expect(summary.failures[0]?.name).toBe('invoices rejects a negative amount');
    expect(summary.failures[0]?.message).toMatch(/^Error: expect\(received\)\.toBe\(expected\)/);
    expect(summary.failures[0]?.message).toContain('at Object.<anonymous> (/home/runner/work/app/');
  });

  it('counts test cases in nested testsuites at any depth', async () => {
    const summary = await reader.read('nested.xml', fixtures);

    expect([summary.total, summary.passed, summary.failed, summary.skipped]).toEqual([4, 3, 1, 0]);
    expect(summary.failures).toEqual([{ name: 'e2e.invoices.pdf > renders', message: 'PDF was empty' }]);
  });

  it('reads a report whose root is a single testsuite', async () => {
    const summary = await reader.read('single-suite.xml', fixtures);

    expect([summary.total, summary.passed, summary.failed]).toEqual([2, 1, 1]);
    expect(summary.failures).toEqual([
      { name: 'tests.test_api > test_delete', message: 'assert 404 == 204' },
    ]);
  });

  it('counts errors and failures as failed, and takes the message from the attribute, the text or the type', async () => {
    const summary = await reader.read('error-vs-failure.xml', fixtures);

    expect([summary.total, summary.passed, summary.failed, summary.skipped]).toEqual([7, 1, 5, 1]);
    expect(summary.failures).toEqual([
      { name: 'checkout > fails an assertion', message: 'expected 200, got 500' },
      { name: 'checkout > errors before asserting', message: 'connect ECONNREFUSED 127.0.0.1:443' },
      { name: 'checkout > only has text', message: 'Timed out after 5000 ms <waiting for "ready">' },
      { name: 'checkout > has a numeric message', message: '404' },
      { name: 'checkout > has no message at all', message: 'TimeoutError' },
    ]);
  });

  it('decodes XML entities and character references in names and messages', async () => {
    const summary = await reader.read('entities.xml', fixtures);

    expect(summary.failures).toEqual([
      {
        name: `Map<K, V> > keeps "quotes" & 'apostrophes'`,
        message: 'expected <div> to equal <span> été',
      },
    ]);
  });

  it('adds up every file a glob matches, and ignores files it does not match', async () => {
    const summary = await reader.read('multi/**/*.xml', fixtures);

    expect(summary.problem).toBeUndefined();
    expect([summary.total, summary.passed, summary.failed, summary.skipped]).toEqual([5, 2, 2, 1]);
    expect(summary.failures.map((failure) => failure.name)).toEqual(['api > updates', 'ui > submits']);
  });

  it('reports a problem naming the pattern when no file matches', async () => {
    const summary = await reader.read('reports/*.xml', fixtures);

    expect(summary).toMatchObject({ total: 0, passed: 0, failed: 0, skipped: 0, failures: [] });
    expect(summary.problem).toBe('no JUnit file matched test-report "reports/*.xml"');
  });

  it('reports malformed XML as a problem naming the file', async () => {
    const summary = await reader.read('malformed.xml', fixtures);

    expect(summary.total).toBe(0);
    expect(summary.problem).toMatch(/^malformed\.xml is not valid JUnit XML: .+/);
  });

  it('reports XML that is not JUnit as a problem', async () => {
    const summary = await reader.read('not-junit.xml', fixtures);

    expect(summary.total).toBe(0);
    expect(summary.problem).toBe('not-junit.xml is not a JUnit report (no testsuites or testsuite element)');
  });

  it('keeps the totals of the readable files when another file matched is broken', async () => {
    scratch = await mkdtemp(join(tmpdir(), 'prenv-junit-'));
    await writeFile(
      join(scratch, 'a.xml'),
      '<testsuite name="a"><testcase name="ok"/><testcase name="bad"><failure message="no"/></testcase></testsuite>',
    );
    await writeFile(join(scratch, 'b.xml'), '<testsuite name="b"><testcase name="half"');

    const summary = await reader.read('*.xml', scratch);

    expect([summary.total, summary.passed, summary.failed]).toEqual([2, 1, 1]);
    expect(summary.failures).toEqual([{ name: 'a > bad', message: 'no' }]);
    expect(summary.problem).toMatch(/^b\.xml is not valid JUnit XML/);
  });

  it('reads an empty testsuites element as zero tests, without a problem', async () => {
    scratch = await mkdtemp(join(tmpdir(), 'prenv-junit-'));
    await writeFile(
      join(scratch, 'empty.xml'),
      '<?xml version="1.0"?>\n<testsuites tests="0"></testsuites>\n',
    );

    const summary = await reader.read('empty.xml', scratch);

    expect(summary).toEqual({ total: 0, passed: 0, failed: 0, skipped: 0, failures: [] });
  });
});

describe('JUnitReader and reports PR code wrote', () => {
  const REPORT = '<testsuite name="s"><testcase name="ok"/></testsuite>';
  const SECRET =
    '<testsuite name="outside"><testcase name="SECRET-FROM-OUTSIDE"><failure>x</failure></testcase></testsuite>';
  let workspace: string;
  let outside: string;

  beforeEach(async () => {
    workspace = await mkdtemp(join(tmpdir(), 'prenv-junit-ws-'));
    outside = await mkdtemp(join(tmpdir(), 'prenv-junit-outside-'));
    await mkdir(join(workspace, 'reports'));
    await writeFile(join(workspace, 'reports', 'real.xml'), REPORT);
    await writeFile(join(outside, 'secret.xml'), SECRET);
  });
  afterEach(async () => {
    await Promise.all([
      rm(workspace, { recursive: true, force: true }),
      rm(outside, { recursive: true, force: true }),
    ]);
  });

  it('does not follow a report that is a symlink to a file outside the workspace', async () => {
    await symlink(join(outside, 'secret.xml'), join(workspace, 'reports', 'link.xml'));

    const summary = await new JUnitReader().read('reports/*.xml', workspace);

    expect(JSON.stringify(summary)).not.toContain('SECRET-FROM-OUTSIDE');
    expect(summary).toMatchObject({ total: 1, passed: 1 });
    if (summary.problem !== undefined) expect(summary.problem).toContain('reports/link.xml');
  });

  it('does not read through a symlinked folder that leads outside the workspace', async () => {
    await symlink(outside, join(workspace, 'reports', 'linked-dir'));

    const summary = await new JUnitReader().read('reports/**/*.xml', workspace);

    expect(JSON.stringify(summary)).not.toContain('SECRET-FROM-OUTSIDE');
    expect(summary).toMatchObject({ total: 1, passed: 1 });
  });

  it('refuses a report whose real path is outside the workspace even when named directly', async () => {
    await symlink(outside, join(workspace, 'reports', 'linked-dir'));

    const summary = await new JUnitReader().read('reports/linked-dir/secret.xml', workspace);

    expect(JSON.stringify(summary)).not.toContain('SECRET-FROM-OUTSIDE');
    expect(summary.total).toBe(0);
  });

  it('skips a file over the per-file cap, and files past the total cap, saying so', async () => {
    await writeFile(join(workspace, 'reports', 'big.xml'), `${REPORT}${' '.repeat(2000)}`);
    await writeFile(join(workspace, 'reports', 'zz-more.xml'), REPORT);
    const reader = new JUnitReader({ maxFileBytes: 1000, maxTotalBytes: REPORT.length + 10 });

    const summary = await reader.read('reports/*.xml', workspace);

    expect(summary).toMatchObject({ total: 1, passed: 1 });
    expect(summary.problem).toContain('reports/big.xml is');
    expect(summary.problem).toContain('more than the 1000 one report may have');
    expect(summary.problem).toContain(
      'reports/zz-more.xml would pass the size all reports together may have',
    );
  });
});
