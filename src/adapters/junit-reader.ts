import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { glob } from 'tinyglobby';
import type { TestFailure, TestSummary } from '../domain/report.js';
import { messageOf } from '../errors.js';
import type { TestReportReader } from '../ports.js';

type Node = Record<string, unknown>;

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

/** Reads JUnit XML files (any of the common dialects: testsuites/testsuite/testcase). */
export class JUnitReader implements TestReportReader {
  async read(pattern: string, root: string): Promise<TestSummary> {
    const files = (await glob(pattern, { cwd: root, absolute: true, onlyFiles: true })).sort();
    if (files.length === 0) return empty(`no JUnit file matched test-report "${pattern}"`);
    const totals = { total: 0, passed: 0, failed: 0, skipped: 0 };
    const failures: TestFailure[] = [];
    // A broken file does not hide the results of the others: its problem is reported beside them.
    const problems: string[] = [];
    for (const file of files) {
      let document: Node;
      try {
        document = parser().parse(await readFile(file, 'utf8'), true) as Node;
      } catch (error) {
        problems.push(`${relative(root, file)} is not valid JUnit XML: ${messageOf(error)}`);
        continue;
      }
      const cases = [...testcases(document)];
      if (cases.length === 0 && !('testsuites' in document) && !('testsuite' in document)) {
        problems.push(`${relative(root, file)} is not a JUnit report (no testsuites or testsuite element)`);
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
