import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPOSITORY_ROOT } from '../../scripts/readme-tables.js';

// What a deploy loads before it can start the CDK app: dist/index.js and the run-plan chunk it
// imports (with every chunk they import statically). The AWS SDK clients prenv needs only once the
// app runs (CloudFormation, S3, SSM, the tagging API) must not be among them: they load on first use.
const DIST = process.env.PRENV_DIST_DIR ?? join(REPOSITORY_ROOT, 'dist');

/** The files a module loads statically (itself included). */
async function staticGraph(file: string, seen = new Set<string>()): Promise<Set<string>> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = await readFile(file, 'utf8');
  for (const match of text.matchAll(/(?:^|[;\s}])import\s*(?:[\w${},\s*]+from\s*)?"(\.\/[^"]+\.js)"/g)) {
    await staticGraph(join(dirname(file), match[1] as string), seen);
  }
  return seen;
}

describe('the modules a deploy loads before the CDK app starts', () => {
  it('hold no CloudFormation, S3, SSM or tagging SDK client', async () => {
    const index = join(DIST, 'index.js');
    const runPlan = (await readFile(index, 'utf8')).match(
      /import\("\.\/(chunks\/run-plan-[^"]+\.js)"\)/,
    )?.[1];
    expect(runPlan).toBeDefined();
    const files = new Set([
      ...(await staticGraph(index)),
      ...(await staticGraph(join(DIST, runPlan as string))),
    ]);
    expect(files.size).toBeGreaterThan(3);
    const clients = ['CloudFormationClient', 'SSMClient', 'ResourceGroupsTaggingAPIClient', 'S3Client'];
    const found: string[] = [];
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      for (const client of clients) if (text.includes(`"${client}"`)) found.push(`${client} in ${file}`);
    }
    expect(found).toEqual([]);
  });
});
