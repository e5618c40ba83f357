import { constants } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import { isAbsolute, relative, sep } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { glob } from 'tinyglobby';
import type { TestFailure, TestSummary } from '../domain/report.js';
import { messageOf } from '../errors.js';
import type { TestReportReader } from '../ports.js';

type Node = Record<string, unknown>;

/** Largest JUnit file read; a bigger one is reported, not read. */
export const MAX_REPORT_BYTES = 5 * 1024 * 1024;
/** Most JUnit XML read in one run, all files together. */
export const MAX_TOTAL_REPORT_BYTES = 20 * 1024 * 1024;

const parser = () =>
  new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    textNodeName: '#text',
    isArray: (name) => ['testsuite', 'testcase', 'failure', 'error'].includes(name),
    processEntities: true,
    htmlEntities: true,
    // Failure texts such as "404" or "true" stay text.
    parseTagValue: false,
  });

/** Size caps of the JUnit reader. */
export interface JUnitReaderOptions {
  /** @default MAX_REPORT_BYTES */
  readonly maxFileBytes?: number;
  /** @default MAX_TOTAL_REPORT_BYTES */
  readonly maxTotalBytes?: number;
}

/** Reads JUnit XML files (any of the common dialects: testsuites/testsuite/testcase). */
export class JUnitReader implements TestReportReader {
  private readonly maxFileBytes: number;
  private readonly maxTotalBytes: number;

  constructor(options: JUnitReaderOptions = {}) {
    this.maxFileBytes = options.maxFileBytes ?? MAX_REPORT_BYTES;
    this.maxTotalBytes = options.maxTotalBytes ?? MAX_TOTAL_REPORT_BYTES;
  }

  async read(pattern: string, root: string): Promise<TestSummary> {
    // PR code writes the reports: a symlink (file or folder) must not make prenv read, with its own
    // identity, a file outside the workspace.
    const files = (
      await glob(pattern, { cwd: root, absolute: true, onlyFiles: true, followSymbolicLinks: false })
    ).sort();
    if (files.length === 0) return empty(`no JUnit file matched test-report "${pattern}"`);
    const realRoot = await realpath(root);
    const totals = { total: 0, passed: 0, failed: 0, skipped: 0 };
    const failures: TestFailure[] = [];
    // A broken file does not hide the results of the others: its problem is reported beside them.
    const problems: string[] = [];
    let budget = this.maxTotalBytes;
    for (const file of files) {
      const name = relative(root, file);
      let document: Node;
      try {
        const text = await readReport(file, realRoot, { maxFileBytes: this.maxFileBytes, budget });
        budget -= Buffer.byteLength(text);
        document = parser().parse(text, true) as Node;
      } catch (error) {
        problems.push(
          error instanceof ReportRefused
            ? `${name} ${error.message}`
            : `${name} is not valid JUnit XML: ${messageOf(error)}`,
        );
        continue;
      }
      const cases = [...testcases(document)];
      if (cases.length === 0 && !('testsuites' in document) && !('testsuite' in document)) {
        problems.push(`${name} is not a JUnit report (no testsuites or testsuite element)`);
        continue;
      }
      for (const { suite, testcase } of cases) {
        totals.total += 1;
        const failed = [...list(testcase.failure), ...list(testcase.error)];
        if (failed.length > 0) {
          totals.failed += 1;
          failures.push({ name: caseName(suite, testcase), message: messageFrom(failed[0]) });
        } else if ('skipped' in testcase) {
          totals.skipped += 1;
        } else {
          totals.passed += 1;
        }
      }
    }
    return { ...totals, failures, ...(problems.length === 0 ? {} : { problem: problems.join('; ') }) };
  }
}

class ReportRefused extends Error {}

/**
 * Reads one report: never through a symlink (O_NOFOLLOW), only when its real path is inside the
 * workspace, and only when it fits the per-file and the remaining total size.
 */
async function readReport(
  file: string,
  realRoot: string,
  caps: { maxFileBytes: number; budget: number },
): Promise<string> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ELOOP' || code === 'EMLINK') throw new ReportRefused('is a symbolic link: not read');
    throw error;
  }
  try {
    const real = relative(realRoot, await realpath(file));
    if (real === '..' || real.startsWith(`..${sep}`) || isAbsolute(real)) {
      throw new ReportRefused('is outside the workspace (through a symbolic link): not read');
    }
    const { size } = await handle.stat();
    if (size > caps.maxFileBytes) {
      throw new ReportRefused(
        `is ${size} bytes, more than the ${caps.maxFileBytes} one report may have: not read`,
      );
    }
    if (size > caps.budget) {
      throw new ReportRefused('would pass the size all reports together may have: not read');
    }
    const buffer = Buffer.alloc(size);
    const { bytesRead } = await handle.read(buffer, 0, size, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

function* testcases(document: Node): Generator<{ suite: Node; testcase: Node }> {
  const roots = [...list(asNode(document.testsuites)?.testsuite), ...list(document.testsuite)];
  const stack = roots.map(asNode).filter((node): node is Node => node !== undefined);
  while (stack.length > 0) {
    const suite = stack.shift() as Node;
    for (const testcase of list(suite.testcase)) {
      const node = asNode(testcase);
      if (node !== undefined) yield { suite, testcase: node };
    }
    for (const nested of list(suite.testsuite)) {
      const node = asNode(nested);
      if (node !== undefined) stack.push(node);
    }
  }
}

function caseName(suite: Node, testcase: Node): string {
  const name = String(testcase.name ?? '(unnamed)');
  const owner = String(testcase.classname ?? suite.name ?? '');
  return owner !== '' && owner !== name ? `${owner} > ${name}` : name;
}

function messageFrom(problem: unknown): string {
  if (typeof problem === 'string') return problem.trim() || 'failed';
  const node = asNode(problem) ?? {};
  const message = typeof node.message === 'string' ? node.message : '';
  const text = typeof node['#text'] === 'string' ? node['#text'] : '';
  return (message || text || String(node.type ?? 'failed')).trim();
}

function list(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function asNode(value: unknown): Node | undefined {
  return typeof value === 'object' && value !== null ? (value as Node) : undefined;
}

function empty(problem: string): TestSummary {
  return { total: 0, passed: 0, failed: 0, skipped: 0, failures: [], problem };
}
