import { join, relative } from 'node:path';
import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import { Code } from 'aws-cdk-lib/aws-lambda';
import { buildSync } from 'esbuild';

/**
 * A handler's code, bundled by esbuild's API inside the CDK app: the bundle NodejsFunction's local
 * bundling makes (one CommonJS file for Node 24 with everything it imports, minified, with a source
 * map and no sources in it), without the `npx --no-install esbuild` child process NodejsFunction
 * starts for every function (about 0.7 s each here, more on a busy runner). As with NodejsFunction,
 * the asset's hash is the bundle's, so only a function whose bundle changed is deployed again.
 */
export function esbuildCode(entry: string, projectRoot: string): Code {
  return Code.fromAsset(projectRoot, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Required by the type; used only if local bundling declined, which it never does.
      image: DockerImage.fromRegistry('public.ecr.aws/sam/build-nodejs24.x'),
      // Names the entry: CDK caches bundles by these options (not by `local`, a function), so without
      // it every function would get the first one's bundle.
      command: ['esbuild', '--bundle', relative(projectRoot, entry)],
      local: {
        tryBundle(outputDir) {
          buildSync({
            entryPoints: [entry],
            absWorkingDir: projectRoot,
            bundle: true,
            platform: 'node',
            target: 'node24',
            format: 'cjs',
            outfile: join(outputDir, 'index.js'),
            minify: true,
            sourcemap: true,
            sourcesContent: false,
            logLevel: 'warning',
          });
          return true;
        },
      },
    },
  });
}
