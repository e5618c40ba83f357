import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EnvironmentReport } from '../../src/domain/report.js';
import { encodeReportFile, reportFile } from '../../src/domain/report-file.js';
import {
  readReportFile,
  reportFilePath,
  saveReportFile,
  writeReportFile,
} from '../../src/workflows/report-file.js';
import { FakeLog, FakeStep } from '../support/fake-ports.js';

const report: EnvironmentReport = {
  state: 'ready',
  environment: 'pr-42',
  repository: 'acme/invoices',
  pullRequest: 42,
  updatedAt: '2025-03-03T12:00:00Z',
};

const warnings = (log: FakeLog) =>
  log.lines.filter((line) => line.level === 'warning').map((line) => line.message);

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'prenv-report-file-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the report file on disk', () => {
  it('lives in the job’s temporary folder as prenv-report.json', () => {
    expect(reportFilePath('/runner/_temp')).toBe('/runner/_temp/prenv-report.json');
  });

  it('is written readable by its owner only, and read back as the text written', async () => {
    const file = reportFile('deploy', report);
    const path = await writeReportFile(join(dir, 'report.json'), file);
    expect(path).toBe(join(dir, 'report.json'));
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readReportFile(path)).toEqual({ kind: 'text', text: encodeReportFile(file) });
  });

  it('is missing when there is no file, or a folder where the file should be', async () => {
    expect(await readReportFile(join(dir, 'absent.json'))).toEqual({ kind: 'missing' });
    await mkdir(join(dir, 'folder.json'));
    expect(await readReportFile(join(dir, 'folder.json'))).toEqual({ kind: 'missing' });
  });

  it('refuses a file over the limit before reading it, and reads one exactly at the limit', async () => {
    const path = join(dir, 'report.json');
    await writeFile(path, 'x'.repeat(11));
    expect(await readReportFile(path, 10)).toEqual({ kind: 'too-large', bytes: 11 });
    await writeFile(path, 'x'.repeat(10));
    expect(await readReportFile(path, 10)).toEqual({ kind: 'text', text: 'x'.repeat(10) });
    await writeFile(path, '');
    expect(await readReportFile(path, 10)).toEqual({ kind: 'text', text: '' });
  });

  it('refuses a file far over the limit with its whole size, not the bytes it would have read', async () => {
    const path = join(dir, 'report.json');
    await writeFile(path, 'x'.repeat(25));
    expect(await readReportFile(path, 10)).toEqual({ kind: 'too-large', bytes: 25 });
  });

  it.runIf(process.platform === 'linux')(
    'refuses a file that holds more than its size said (it grew after the check), from what it read',
    async () => {
      // /proc files report size 0 and hold more: as a file PR code appends to between stat and read.
      expect((await stat('/proc/self/status')).size).toBe(0);
      expect(await readReportFile('/proc/self/status', 10)).toEqual({ kind: 'too-large', bytes: 11 });
    },
  );

  it.runIf(process.platform === 'linux')('closes the file whatever it found', async () => {
    const path = join(dir, 'report.json');
    await writeFile(path, 'x'.repeat(25));
    await mkdir(join(dir, 'folder.json'));
    const open = async () => (await readdir('/proc/self/fd')).length;
    const before = await open();
    for (let i = 0; i < 10; i++) {
      await readReportFile(path, 100);
      await readReportFile(path, 10);
      await readReportFile(join(dir, 'folder.json'));
    }
    // 30 reads: a handle left open by each would show; a few descriptors of the runner's own may come and go.
    expect(await open()).toBeLessThan(before + 10);
  });

  it('passes on errors other than a missing file', async () => {
    await expect(readReportFile(join(dir, 'report.json', 'below-a-file'))).resolves.toEqual({
      kind: 'missing',
    });
    await writeFile(join(dir, 'plain'), '');
    // A path through a file is ENOTDIR, not ENOENT: not "no report", an error to show.
    await expect(readReportFile(join(dir, 'plain', 'report.json'))).rejects.toMatchObject({
      code: 'ENOTDIR',
    });
  });
});

describe('saveReportFile', () => {
  it('writes the file into the temporary folder and sets the report-file output', async () => {
    const step = new FakeStep();
    const log = new FakeLog();
    await saveReportFile(dir, reportFile('destroy', report), { step, log });
    const path = join(dir, 'prenv-report.json');
    expect(step.outputs['report-file']).toBe(path);
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ operation: 'destroy', report });
    expect(warnings(log)).toEqual([]);
  });

  it('warns, sets no output and does not throw when the file cannot be written', async () => {
    const step = new FakeStep();
    const log = new FakeLog();
    await saveReportFile(join(dir, 'no-such-folder'), reportFile('deploy', report), { step, log });
    expect(step.outputs['report-file']).toBeUndefined();
    expect(warnings(log)).toEqual([expect.stringMatching(/^Could not write the report file: .*ENOENT/)]);
  });
});
