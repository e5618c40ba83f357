import { relative } from 'node:path';
import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import { Code } from 'aws-cdk-lib/aws-lambda';
import { EsbuildBatch } from './esbuild-batch.js';

/**
 * A handler's code, bundled by esbuild's API inside the CDK app: the bundle NodejsFunction's local
 * bundling makes (see BUNDLE_OPTIONS), without the `npx --no-install esbuild` child process
 * NodejsFunction starts for every function (about 0.7 s each here, more on a busy runner). Given the
 * app's batch (esbuildBatch), all its handlers are bundled by one esbuild build when the first is; an
 * entry outside the batch is built on its own. As with NodejsFunction, the asset's hash is the bundle's,
 * so only a function whose bundle changed is deployed again.
 */
export function esbuildCode(
  entry: string,
  projectRoot: string,
  batch = new EsbuildBatch(projectRoot, []),
): Code {
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
          batch.writeBundle(entry, outputDir);
          return true;
        },
      },
    },
  });
}
