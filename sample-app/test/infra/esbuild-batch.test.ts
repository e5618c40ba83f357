import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import type { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { esbuildBatch } from '../../infra/esbuild-batch.js';
import { esbuildCode } from '../../infra/esbuild-code.js';

/** A project of three handlers sharing a module, in a directory of its own. */
let project: string;
const entry = (name: string) => join(project, `${name}.ts`);
const writeHandler = (name: string, says: string) =>
  writeFileSync(
    entry(name),
    `import { greet } from './shared';\nexport const handler = () => greet('${says}');\n`,
  );

beforeEach(() => {
  project = mkdtempSync(join(tmpdir(), 'sample-app-esbuild-batch-'));
  writeFileSync(join(project, 'shared.ts'), "export const greet = (who: string) => 'hello ' + who;\n");
  for (const name of ['a', 'b', 'c']) writeHandler(name, `${name} v1`);
});
afterEach(() => rmSync(project, { recursive: true, force: true }));

/** A synth of its own: a stack whose functions are declared one by one, `between` running after each. */
function synth(names: string[], batched: string[], between: (name: string) => void = () => {}) {
  const outdir = mkdtempSync(join(project, 'cdk.out-'));
  const app = new App({ outdir, builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'Bundles');
  const batch = esbuildBatch(stack, project, batched.map(entry));
  const bundles: Record<string, { hash: string; files: string[]; code: string }> = {};
  for (const name of names) {
    const fn = new LambdaFunction(stack, name, {
      code: esbuildCode(entry(name), project, batch),
      handler: 'index.handler',
      runtime: Runtime.NODEJS_24_X,
    });
    const asset = fn.node.findChild('Code') as Asset;
    const dir = join(outdir, asset.assetPath);
    bundles[name] = {
      hash: asset.assetHash,
      files: readdirSync(dir).sort(),
      code: readFileSync(join(dir, 'index.js'), 'utf8'),
    };
    between(name);
  }
  app.synth();
  return bundles;
}

describe('esbuildBatch', () => {
  it('bundles every entry of the batch in one build, when the first function is bundled', () => {
    // b's source changes after a was bundled: b's bundle is the one built then, with a's.
    const bundles = synth(['a', 'b'], ['a', 'b'], (name) => name === 'a' && writeHandler('b', 'b v2'));
    expect(bundles.b?.code).toContain('b v1');
    expect(bundles.b?.code).not.toContain('b v2');
  });

  it('gives each function just its own index.js and source map, the same bundle as a build of its own', () => {
    const batched = synth(['a', 'b'], ['a', 'b']);
    const alone = synth(['a', 'b'], []);
    for (const name of ['a', 'b'] as const) {
      expect(batched[name]?.files).toEqual(['index.js', 'index.js.map']);
      expect(batched[name]?.code).toContain(`${name} v1`);
      expect(batched[name]?.hash).toBe(alone[name]?.hash);
    }
    expect(batched.a?.hash).not.toBe(batched.b?.hash);
  });

  it("changes only the changed handler's asset hash, and another app never sees the first one's build", () => {
    const before = synth(['a', 'b', 'c'], ['a', 'b', 'c']);
    writeHandler('b', 'b v2');
    const after = synth(['a', 'b', 'c'], ['a', 'b', 'c']);
    expect(after.b?.code).toContain('b v2');
    expect(after.b?.hash).not.toBe(before.b?.hash);
    expect(after.a?.hash).toBe(before.a?.hash);
    expect(after.c?.hash).toBe(before.c?.hash);
  });

  it('builds an entry that is not in the batch on its own', () => {
    const bundles = synth(['a', 'c'], ['a', 'b']);
    expect(bundles.c?.files).toEqual(['index.js', 'index.js.map']);
    expect(bundles.c?.code).toContain('c v1');
    expect(bundles.c?.code).not.toContain('a v1');
  });
});
