import { open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeReportFile, MAX_REPORT_FILE_BYTES, type ReportFile } from '../domain/report-file.js';
import { messageOf } from '../errors.js';
import type { Log, StepPort } from '../ports.js';

/** Where deploy and destroy write the report file: the job's temporary folder (RUNNER_TEMP). */
export function reportFilePath(tempDir: string): string {
  return join(tempDir, 'prenv-report.json');
}

/** Writes the report file; returns its path. */
export async function writeReportFile(path: string, file: ReportFile): Promise<string> {
  await writeFile(path, encodeReportFile(file), { mode: 0o600 });
  return path;
}

/** What was found at the report file's path. */
export type ReportFileRead =
  | { readonly kind: 'missing' }
  | { readonly kind: 'too-large'; readonly bytes: number }
  | { readonly kind: 'text'; readonly text: string };

/** Reads the report file, refusing (before reading it) one larger than MAX_REPORT_FILE_BYTES. */
export async function readReportFile(
  path: string,
  maxBytes = MAX_REPORT_FILE_BYTES,
): Promise<ReportFileRead> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    throw error;
  }
  try {
    const { size, isFile } = await handle
      .stat()
      .then((stats) => ({ size: stats.size, isFile: stats.isFile() }));
    if (!isFile) return { kind: 'missing' };
    if (size > maxBytes) return { kind: 'too-large', bytes: size };
    // Read at most one byte past the limit: the file may grow between stat and read.
    const buffer = Buffer.alloc(maxBytes + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead > maxBytes) return { kind: 'too-large', bytes: bytesRead };
    return { kind: 'text', text: buffer.subarray(0, bytesRead).toString('utf8') };
  } finally {
    await handle.close();
  }
}

/**
 * Writes this run's report file for mode report and sets the report-file output. Best effort: a
 * failure to write is a warning (the report job then says no report arrived).
 */
export async function saveReportFile(
  tempDir: string,
  file: ReportFile,
  ports: { step: StepPort; log: Log },
): Promise<void> {
  try {
    const path = await writeReportFile(reportFilePath(tempDir), file);
    ports.step.setOutput('report-file', path);
  } catch (error) {
    ports.log.warning(`Could not write the report file: ${messageOf(error)}`);
  }
}
