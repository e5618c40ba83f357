// Fails when dist/ differs from a fresh build: the action runs from the committed dist/ on GitHub.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const fresh = await mkdtemp(join(tmpdir(), 'prenv-dist-'));

async function files(dir) {
  const found = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) found.push(relative(dir, join(entry.parentPath, entry.name)));
  }
  return found.sort();
}

try {
  execFileSync(process.execPath, [join(root, 'scripts/build.mjs'), '--outdir', fresh], { stdio: 'inherit' });
  const committed = await files(join(root, 'dist')).catch(() => []);
  const built = await files(fresh);
  const problems = [];
  for (const file of new Set([...committed, ...built])) {
    if (!committed.includes(file)) problems.push(`missing from dist/: ${file}`);
    else if (!built.includes(file)) problems.push(`stale file in dist/: ${file}`);
    else if (!(await readFile(join(root, 'dist', file))).equals(await readFile(join(fresh, file)))) {
      problems.push(`differs from a fresh build: dist/${file}`);
    }
  }
  if (problems.length > 0) {
    console.error(
      `dist/ is not a fresh build (run npm run build and commit dist/):\n  ${problems.join('\n  ')}`,
    );
    process.exitCode = 1;
  } else {
    console.log(`dist/ matches a fresh build (${built.length} files)`);
  }
} finally {
  await rm(fresh, { recursive: true, force: true });
}
