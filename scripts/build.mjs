// Bundles the action into dist/: ESM entry points for main and post, the CDK toolkit and the template
// diff as their own separately bundled files with fixed names, and the data files they read at run time.
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const root = resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { outdir: { type: 'string', default: join(root, 'dist') } } });
const outdir = resolve(values.outdir);
const require = createRequire(join(root, 'package.json'));

// toolkit-lib and its dependencies are CommonJS and use require, __filename and __dirname.
// __dirname must be defined too, or Node 24 rejects the file (ERR_AMBIGUOUS_MODULE_SYNTAX).
const banner = [
  "import { createRequire as __prenvCreateRequire } from 'node:module';",
  "import { fileURLToPath as __prenvFileURLToPath } from 'node:url';",
  "import { dirname as __prenvDirname } from 'node:path';",
  'const require = __prenvCreateRequire(import.meta.url);',
  'const __filename = __prenvFileURLToPath(import.meta.url);',
  'const __dirname = __prenvDirname(__filename);',
].join('\n');

// toolkit-lib is bundled on its own, into a file whose name and bytes depend only on toolkit-lib and
// its dependencies: a change to prenv's code leaves it byte-identical, so git stores no new 6 MB blob.
// prenv's bundle imports it by the subpath import `#toolkit-lib`, which dist/package.json maps to
// the file (Node resolves it the same from dist/ and from dist/chunks/).
const TOOLKIT_FILE = 'chunks/toolkit-lib.js';
const TOOLKIT_IMPORT = '#toolkit-lib';
// cloudformation-diff, used by prenv's own diff and by toolkit-lib's deploy, is one shared CommonJS file
// (`require` from toolkit-lib and `import` from prenv's code get the same instance): its resource-spec
// database, about half a second to load, is then loaded once per run instead of once by each copy.
const DIFF_FILE = 'chunks/cloudformation-diff.cjs';
const DIFF_IMPORT = '#cloudformation-diff';
const common = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  banner: { js: banner },
  legalComments: 'none',
  logLevel: 'warning',
  minifySyntax: true,
  minifyWhitespace: true,
};
/** Resolves these packages to their separately bundled files instead of bundling them again. */
const external = (packages) => ({
  name: 'separately-bundled',
  setup(plugin) {
    plugin.onResolve({ filter: /^@aws-cdk\// }, ({ path }) =>
      path in packages ? { path: packages[path], external: true } : undefined,
    );
  },
});
const diffExternal = external({ '@aws-cdk/cloudformation-diff': DIFF_IMPORT });
const toolkitExternal = external({
  '@aws-cdk/toolkit-lib': TOOLKIT_IMPORT,
  '@aws-cdk/cloudformation-diff': DIFF_IMPORT,
});

await rm(outdir, { recursive: true, force: true });
await build({
  ...common,
  banner: {},
  format: 'cjs',
  entryPoints: [require.resolve('@aws-cdk/cloudformation-diff')],
  outfile: join(outdir, DIFF_FILE),
});
await build({
  ...common,
  entryPoints: [require.resolve('@aws-cdk/toolkit-lib')],
  outfile: join(outdir, TOOLKIT_FILE),
  plugins: [diffExternal],
});
await build({
  ...common,
  entryPoints: { index: join(root, 'src/index.ts'), post: join(root, 'src/post.ts') },
  outdir,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  plugins: [toolkitExternal],
});

// Data files, placed where the bundled code looks for them. Chunks live in dist/chunks/, so
// __dirname there is dist/chunks: cdk-from-cfn reads `${__dirname}/index_bg.wasm`, aws-service-spec
// reads `${__dirname}/../db.json.gz`, and toolkit-lib walks up to the nearest package.json (dist/)
// and reads lib/api/bootstrap/bootstrap-template.yaml under it.
const toolkitRoot = dirname(require.resolve('@aws-cdk/toolkit-lib/package.json'));
const specRoot = dirname(
  createRequire(join(toolkitRoot, 'package.json')).resolve('@aws-cdk/aws-service-spec/package.json'),
);
await mkdir(join(outdir, 'chunks'), { recursive: true });
await mkdir(join(outdir, 'lib/api/bootstrap'), { recursive: true });
await cp(join(toolkitRoot, 'lib/index_bg.wasm'), join(outdir, 'chunks/index_bg.wasm'));
await cp(join(specRoot, 'db.json.gz'), join(outdir, 'db.json.gz'));
await cp(
  join(toolkitRoot, 'lib/api/bootstrap/bootstrap-template.yaml'),
  join(outdir, 'lib/api/bootstrap/bootstrap-template.yaml'),
);
// toolkit-lib reports its own version and build from the package.json and build-info.json it finds.
const toolkitVersion = JSON.parse(await readFile(join(toolkitRoot, 'package.json'), 'utf8')).version;
await cp(join(toolkitRoot, 'build-info.json'), join(outdir, 'build-info.json'));
await writeFile(
  join(outdir, 'package.json'),
  `${JSON.stringify(
    {
      name: 'prenv-dist',
      version: toolkitVersion,
      private: true,
      type: 'module',
      imports: { [TOOLKIT_IMPORT]: `./${TOOLKIT_FILE}`, [DIFF_IMPORT]: `./${DIFF_FILE}` },
    },
    null,
    2,
  )}\n`,
);
