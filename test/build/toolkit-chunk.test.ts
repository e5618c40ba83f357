import { execFile } from 'node:child_process';
import { appendFile, cp, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPOSITORY_ROOT } from '../../scripts/readme-tables.js';
import { NODE24 } from '../support/run-action.js';

// Builds prenv from a temporary copy whose own code (and import graph) has changed, as any PR to
// prenv does, and compares the result with the committed dist/.
const run = promisify(execFile);
const COMMITTED = join(REPOSITORY_ROOT, 'dist');
let copy = '';
let built = '';

beforeAll(async () => {
  copy = await mkdtemp(join(tmpdir(), 'prenv-build-'));
  for (const entry of ['src', 'scripts', 'package.json', 'tsconfig.json', 'tsconfig.base.json']) {
    await cp(join(REPOSITORY_ROOT, entry), join(copy, entry), { recursive: true });
  }
  await symlink(join(REPOSITORY_ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
  // New edges in the import graph, one of them to a module toolkit-lib uses too: with the toolkit
  // split out of one shared build, this moved code between chunks and renamed the 6 MB one.
  await appendFile(
    join(copy, 'src/index.ts'),
    "\nexport { fromEnv } from '@aws-sdk/credential-providers';\nexport const buildProbe = 'edited';\n",
  );
  built = join(copy, 'dist');
  await run(process.execPath, [join(copy, 'scripts/build.mjs'), '--outdir', built]);
});
afterAll(async () => {
  if (copy !== '') await rm(copy, { recursive: true, force: true });
});

describe('the toolkit-lib bundle', () => {
  it('has a fixed name, and a change to prenv’s own code leaves it byte-identical', async () => {
    const index = await readFile(join(built, 'index.js'), 'utf8');
    expect(index).toContain('edited'); // the edit reached the build
    expect(index).not.toEqual(await readFile(join(COMMITTED, 'index.js'), 'utf8'));
    const fresh = await readFile(join(built, 'chunks/toolkit-lib.js'));
    const committed = await readFile(join(COMMITTED, 'chunks/toolkit-lib.js'));
    expect(fresh.length).toBeGreaterThan(1_000_000);
    expect(fresh.equals(committed)).toBe(true);
  });

  it('is not bundled a second time into prenv’s own chunks', async () => {
    for (const dir of [built, COMMITTED]) {
      const chunks = (await readdir(join(dir, 'chunks'))).filter(
        (name) => name.endsWith('.js') && name !== 'toolkit-lib.js',
      );
      for (const name of chunks) {
        expect((await stat(join(dir, 'chunks', name))).size, name).toBeLessThan(1_000_000);
      }
    }
  });

  it('is imported as #toolkit-lib, which dist/package.json maps to the file', async () => {
    const manifest = JSON.parse(await readFile(join(COMMITTED, 'package.json'), 'utf8'));
    expect(manifest).toMatchObject({
      type: 'module',
      imports: {
        '#toolkit-lib': './chunks/toolkit-lib.js',
        '#cloudformation-diff': './chunks/cloudformation-diff.cjs',
      },
    });
    const names = await readdir(join(COMMITTED, 'chunks'));
    const importers: string[] = [];
    for (const name of names.filter((file) => file.endsWith('.js') && file !== 'toolkit-lib.js')) {
      const text = await readFile(join(COMMITTED, 'chunks', name), 'utf8');
      if (text.includes('"#toolkit-lib"')) importers.push(name);
      expect(text, name).not.toContain('import("@aws-cdk/toolkit-lib")');
    }
    expect(importers.length).toBeGreaterThan(0);
  });
});

describe('cloudformation-diff', () => {
  it('is bundled once, and toolkit-lib and prenv’s diff share it: its resource database loads once', async () => {
    const files = (await readdir(join(COMMITTED, 'chunks'))).filter((name) => /\.c?js$/.test(name));
    const copies: string[] = [];
    for (const name of files) {
      const text = await readFile(join(COMMITTED, 'chunks', name), 'utf8');
      if (text.includes('function loadAwsServiceSpecSync(')) copies.push(name);
    }
    expect(copies).toEqual(['cloudformation-diff.cjs']);
    // The same instance through toolkit-lib's require and prenv's import (Node 24, as the runner).
    const probe = join(built, 'chunks', 'probe.mjs');
    await writeFile(
      probe,
      [
        "import { createRequire } from 'node:module';",
        "const { default: imported } = await import('#cloudformation-diff');",
        "await import('#toolkit-lib');",
        "const required = createRequire(import.meta.url)('#cloudformation-diff');",
        "process.stdout.write(String(required === imported && typeof imported.fullDiff === 'function'));",
      ].join('\n'),
    );
    const { stdout } = await run(NODE24, [probe]);
    expect(stdout).toBe('true');
  });
});
