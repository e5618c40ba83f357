import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { IConstruct } from 'constructs';
import { type BuildOptions, buildSync, type OutputFile } from 'esbuild';

/**
 * What NodejsFunction's local bundling asks of esbuild: one CommonJS file for Node 24 with everything it
 * imports (no externals: the AWS SDK is bundled too), minified, with a source map and no sources in it.
 */
export const BUNDLE_OPTIONS = {
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'cjs',
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  logLevel: 'warning',
} as const satisfies BuildOptions;

/**
 * Several handlers bundled by ONE esbuild build, run when CDK bundles the first of them: one esbuild
 * process instead of one per function, and the code they share parsed once. The build stays in memory;
 * each function's bundling then writes just its own `index.js` and `index.js.map`. Builds are kept per
 * directory CDK bundles in (the assembly's outdir), so another synth into another outdir builds again.
 */
export class EsbuildBatch {
  private readonly builds = new Map<string, OutputFile[]>();

  constructor(
    readonly projectRoot: string,
    readonly entries: readonly string[],
  ) {}

  /** Writes `entry`'s bundle into `outputDir`: from the batch's build, or built on its own if not in the batch. */
  writeBundle(entry: string, outputDir: string): void {
    const index = this.entries.indexOf(entry);
    if (index === -1) {
      buildSync({
        ...BUNDLE_OPTIONS,
        entryPoints: [entry],
        absWorkingDir: this.projectRoot,
        outfile: join(outputDir, 'index.js'),
      });
      return;
    }
    // Each entry's output sits one directory below the outdir, as CDK's bundling directory does, so the
    // relative paths in its source map (and thus the asset hash) are those of a build of its own.
    const stagingDir = dirname(outputDir);
    const ownDir = join(stagingDir, outName(index));
    const files = this.build(stagingDir).filter(({ path }) => dirname(path) === ownDir);
    if (files.length === 0) throw new Error(`esbuild wrote no bundle for ${entry}`);
    mkdirSync(outputDir, { recursive: true });
    for (const file of files) writeFileSync(join(outputDir, basename(file.path)), file.contents);
  }

  /** Every entry's bundle, built once per staging directory. */
  private build(stagingDir: string): OutputFile[] {
    const built = this.builds.get(stagingDir);
    if (built !== undefined) return built;
    const { outputFiles } = buildSync({
      ...BUNDLE_OPTIONS,
      entryPoints: this.entries.map((entry, index) => ({ in: entry, out: `${outName(index)}/index` })),
      absWorkingDir: this.projectRoot,
      outdir: stagingDir,
      write: false,
    });
    this.builds.set(stagingDir, outputFiles);
    return outputFiles;
  }
}

/** The directory an entry's bundle is named into within the batch's (unwritten) outdir. */
function outName(index: number): string {
  return `esbuild-batch-${index}`;
}

const batches = new WeakMap<IConstruct, Map<string, EsbuildBatch>>();

/**
 * The app's batch for these entries: one per app (its root construct) and set of entries, so that the
 * functions of one synth share a build and another app, e.g. another test's, never sees it.
 */
export function esbuildBatch(
  scope: IConstruct,
  projectRoot: string,
  entries: readonly string[],
): EsbuildBatch {
  const root = scope.node.root;
  const byKey = batches.get(root) ?? new Map<string, EsbuildBatch>();
  batches.set(root, byKey);
  const sorted = [...entries].sort();
  const key = JSON.stringify([projectRoot, sorted]);
  const batch = byKey.get(key) ?? new EsbuildBatch(projectRoot, sorted);
  byKey.set(key, batch);
  return batch;
}
