import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { esbuildCode } from '../../infra/esbuild-code.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const entry = (name: string) => join(root, 'sample-app/src/lambda', `${name}.ts`);
let outdir: string;
let assets: { path: string; source: string }[];

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'sample-app-esbuild-'));
  const app = new App({ outdir, builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'Bundles');
  for (const name of ['get-invoice', 'create-invoice']) {
    new LambdaFunction(stack, name, {
      code: esbuildCode(entry(name), root),
      handler: 'index.handler',
      runtime: Runtime.NODEJS_24_X,
    });
  }
  const assembly = app.synth();
  const manifest = JSON.parse(readFileSync(join(assembly.directory, 'Bundles.assets.json'), 'utf8')) as {
    files: Record<string, { source: { path: string } }>;
  };
  assets = Object.values(manifest.files)
    .map(({ source }) => ({ path: join(outdir, source.path), source: source.path }))
    .filter(({ source }) => source.startsWith('asset.'));
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('esbuildCode', () => {
  it('bundles each function on its own (CDK caches bundles by options, so the entry must be in them)', () => {
    expect(assets).toHaveLength(2);
    const [first, second] = assets.map(({ path }) => readFileSync(join(path, 'index.js'), 'utf8'));
    expect(first).not.toBe(second);
  });

  it('writes one CommonJS file with a source map that carries no sources', () => {
    for (const { path } of assets) {
      const bundle = readFileSync(join(path, 'index.js'), 'utf8');
      expect(bundle).toMatch(/module\.exports/);
      expect(existsSync(join(path, 'index.js.map'))).toBe(true);
      const map = JSON.parse(readFileSync(join(path, 'index.js.map'), 'utf8')) as {
        sourcesContent?: unknown;
      };
      expect(map.sourcesContent).toBeUndefined();
    }
  });
});
