import { cp, mkdtemp, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './run-action.js';

/**
 * A workspace of its own holding a copy of the sample app (without its build output), the root
 * package files and a link to the root node_modules: a test or bench can change the app's code or
 * cdk.json and push it, as a PR would. The caller removes the directory.
 */
export async function sampleAppCopy(prefix: string): Promise<string> {
  const workspace = await mkdtemp(join(tmpdir(), prefix));
  const skip = /\/(node_modules|cdk\.out|reports)(\/|$)/;
  await cp(join(ROOT, 'sample-app'), join(workspace, 'sample-app'), {
    recursive: true,
    filter: (source) => !skip.test(source),
  });
  for (const file of ['package.json', 'package-lock.json', 'tsconfig.base.json']) {
    await cp(join(ROOT, file), join(workspace, file));
  }
  await symlink(join(ROOT, 'node_modules'), join(workspace, 'node_modules'));
  return workspace;
}
