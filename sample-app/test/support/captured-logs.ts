import { vi } from 'vitest';

/** Captures the JSON lines Powertools Logger writes to stdout/stderr while `action` runs. */
export async function capturedLogs<T>(
  action: () => Promise<T>,
): Promise<{ result: T; lines: Record<string, unknown>[] }> {
  const chunks: string[] = [];
  const capture = (chunk: unknown): boolean => {
    chunks.push(String(chunk));
    return true;
  };
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  try {
    const result = await action();
    const lines = chunks
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    return { result, lines };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}
