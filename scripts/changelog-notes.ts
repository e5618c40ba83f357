// Prints one version's section of CHANGELOG.md (Keep a Changelog form): the release workflow's notes.
// Usage: node --import tsx scripts/changelog-notes.ts 1.2.3   (a leading v is accepted)
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(import.meta.dirname, '..');

/** The body of `## [version]` in a Keep a Changelog text, without its heading; throws when absent or empty. */
export function notesFor(changelog: string, version: string): string {
  const wanted = version.replace(/^v/, '');
  const lines = changelog.split(/\r?\n/);
  const heading = /^## \[([^\]]+)\]/;
  const start = lines.findIndex((line) => heading.exec(line)?.[1] === wanted);
  if (start === -1)
    throw new Error(`CHANGELOG.md has no section for ${wanted} (a "## [${wanted}] - DATE" heading)`);
  let end = lines.findIndex(
    (line, index) => index > start && (heading.test(line) || /^\[[^\]]+\]: /.test(line)),
  );
  if (end === -1) end = lines.length;
  const body = lines
    .slice(start + 1, end)
    .join('\n')
    .trim();
  if (body === '') throw new Error(`CHANGELOG.md's section for ${wanted} is empty`);
  return `${body}\n`;
}

function cli(argv: readonly string[]): number {
  const [version] = argv;
  if (version === undefined || !/^v?\d+\.\d+\.\d+([-+].*)?$/.test(version)) {
    process.stderr.write('usage: changelog-notes.ts VERSION (e.g. 1.2.3 or v1.2.3)\n');
    return 2;
  }
  try {
    process.stdout.write(notesFor(readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8'), version));
    return 0;
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = cli(process.argv.slice(2));
}
