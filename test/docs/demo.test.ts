import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPOSITORY_ROOT } from '../../scripts/readme-tables.js';

/** PATH without the folders that hold a moto_server. */
function pathWithoutMoto(): string {
  return (process.env.PATH ?? '')
    .split(delimiter)
    .filter((dir) => dir !== '' && !existsSync(join(dir, 'moto_server')))
    .join(delimiter);
}

describe('npm run demo', () => {
  it('without moto_server: one line saying how to install it, and a non-zero exit', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/demo.ts'], {
      cwd: REPOSITORY_ROOT,
      env: { ...process.env, PATH: pathWithoutMoto() },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('pip install "moto[server]"');
    expect(run.stdout).toBe('');
  });
});
