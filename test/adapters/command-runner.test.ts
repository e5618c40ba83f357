import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ShellCommandRunner } from '../../src/adapters/command-runner.js';
import { systemClock } from '../../src/adapters/system-clock.js';
import { processAlive } from '../support/moto.js';

const scripts = fileURLToPath(new URL('../fixtures/scripts/', import.meta.url));
const PATH = process.env.PATH ?? '/usr/bin:/bin';

/** True while the process runs. A zombie (dead, not yet reaped by this container's PID 1) counts as gone. */
function running(pid: number): boolean {
  if (!processAlive(pid)) return false;
  try {
    // /proc/PID/stat: "pid (comm) S ...": the state follows the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Polls until the process is gone, for at most `ms`. */
async function gone(pid: number, ms = 1_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (running(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

describe('ShellCommandRunner', () => {
  let dir: string;
  let log: string;
  let runner: ShellCommandRunner;
  const started: number[] = [];

  beforeEach(async () => {
    dir = await realpath(await mkdtemp(join(tmpdir(), 'prenv-run-')));
    log = '';
    runner = new ShellCommandRunner(systemClock, (text) => {
      log += text;
    });
  });

  afterEach(async () => {
    // Never leave a sleeper behind, whatever a failing assertion skipped.
    for (const pid of started.splice(0)) {
      if (running(pid)) process.kill(pid, 'SIGKILL');
    }
    await rm(dir, { recursive: true, force: true });
  });

  const run = (command: string, options: { env?: Record<string, string>; timeoutMs?: number } = {}) =>
    runner.run({ command, cwd: dir, env: options.env ?? { PATH }, timeoutMs: options.timeoutMs ?? 10_000 });

  const pidFrom = async (file: string): Promise<number> => {
    const pid = Number((await readFile(file, 'utf8')).trim());
    started.push(pid);
    return pid;
  };

  it('runs the command line with shell semantics: &&, pipes, env expansion and the given cwd', async () => {
    const result = await run('echo "$GREETING" | tr a-z A-Z && pwd && false || echo recovered', {
      env: { PATH, GREETING: 'hello e2e' },
    });

    expect(result).toMatchObject({ exitCode: 0, timedOut: false });
    expect(result.error).toBeUndefined();
    expect(log).toContain(`HELLO E2E\n${dir}\nrecovered\n`);
  });

  it('passes exactly the env it is given: nothing of the parent environment leaks', async () => {
    process.env.PRENV_PARENT_ONLY = 'must-not-leak';
    try {
      const result = await run('env', { env: { PATH, PRENV_NAME: 'pr-42' } });

      expect(result.exitCode).toBe(0);
      expect(log).toContain('PRENV_NAME=pr-42\n');
      expect(log).not.toContain('PRENV_PARENT_ONLY');
      expect(log).not.toContain('must-not-leak');
    } finally {
      delete process.env.PRENV_PARENT_ONLY;
    }
  });

  it('reports the exit code of a failing command without an error', async () => {
    const result = await run('echo failing; exit 3');

    expect(result).toMatchObject({ exitCode: 3, timedOut: false });
    expect(result.error).toBeUndefined();
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('reports a command that is not found (exit 127) with an error naming it', async () => {
    const result = await run('prenv-no-such-command --flag');

    expect(result.exitCode).toBe(127);
    expect(result.error).toBe('command not found: prenv-no-such-command --flag');
    expect(log).toMatch(/prenv-no-such-command: (command )?not found/);
  });

  it('reports a working directory that does not exist as an error naming it', async () => {
    const missing = join(dir, 'no-such-dir');
    const result = await runner.run({ command: 'true', cwd: missing, env: { PATH }, timeoutMs: 5_000 });

    expect(result.exitCode).toBeUndefined();
    expect(result.timedOut).toBe(false);
    expect(result.error).toContain(missing);
  });

  it('kills the whole process tree on timeout, grandchildren included', async () => {
    const pidFile = join(dir, 'grandchild.pid');
    const before = Date.now();

    const result = await run(`sh ${join(scripts, 'spawn-grandchild.sh')} ${pidFile}`, { timeoutMs: 500 });

    expect(result.timedOut).toBe(true);
    expect(result.exitCode).toBeUndefined();
    // Well before the 30 s sleep and the default 5 s grace: the shell's exit ends the run.
    expect(Date.now() - before).toBeLessThan(4_500);
    const grandchild = await pidFrom(pidFile);
    expect(log).toContain(`grandchild ${grandchild} started`);
    expect(await gone(grandchild)).toBe(true);
  });

  it('kills a process that ignores SIGTERM after the grace period', async () => {
    runner = new ShellCommandRunner(
      systemClock,
      (text) => {
        log += text;
      },
      { killGraceMs: 300 },
    );
    const pidFile = join(dir, 'stubborn.pid');
    const before = Date.now();

    // The timeout leaves node time to install its SIGTERM handler even on a loaded machine (a start
    // slower than the timeout would die of SIGTERM itself, and prove nothing about the grace).
    const result = await run(`node ${join(scripts, 'ignore-sigterm.mjs')} ${pidFile}`, { timeoutMs: 3_000 });

    expect(result.timedOut).toBe(true);
    expect(log).toContain('ignoring SIGTERM');
    // SIGTERM at 3 s, ignored; SIGKILL after the 300 ms grace (timers never fire early), not after
    // the default 5 s one.
    expect(Date.now() - before).toBeGreaterThanOrEqual(3_250);
    expect(Date.now() - before).toBeLessThan(8_000);
    expect(await gone(await pidFrom(pidFile))).toBe(true);
  });

  it('returns when the command exits, even if it left a background process holding its output', async () => {
    const pidFile = join(dir, 'left.pid');

    const result = await run(`sh ${join(scripts, 'spawn-grandchild.sh')} ${pidFile} leave`, {
      timeoutMs: 5_000,
    });

    // Not timed out: it did not wait for the 30 s sleep still holding the output pipes.
    expect(result).toMatchObject({ exitCode: 0, timedOut: false });
    expect(log).toContain('leaving it running');
    // Whatever the command left running goes with it.
    expect(await gone(await pidFrom(pidFile))).toBe(true);
  });

  it('streams output between ::stop-commands:: and its token, so the command cannot issue workflow commands', async () => {
    const result = await run(`sh ${join(scripts, 'workflow-commands.sh')}`);

    expect(result.exitCode).toBe(0);
    const lines = log.split('\n');
    const start = lines.findIndex((line) => line.startsWith('::stop-commands::'));
    const token = lines[start]?.slice('::stop-commands::'.length) ?? '';
    expect(token).toMatch(/^[0-9a-f-]{36}$/);
    const end = lines.indexOf(`::${token}::`);
    expect(start).toBe(0);
    // The end token is a line of its own even when the output did not end with a newline.
    expect(end).toBe(lines.length - 2);
    expect(lines.at(-1)).toBe('');
    // stdout and stderr interleave in any order: look for each text, not for whole lines.
    const between = lines.slice(start + 1, end).join('\n');
    expect(between).toContain('::set-output name=url::https://evil.example');
    expect(between).toContain('::add-mask::nothing');
    expect(between).toContain('::error::injected');
    expect(between).toContain('no newline at the end');
  });

  it('uses a fresh token every run', async () => {
    await run('true');
    await run('true');

    const tokens = [...log.matchAll(/^::stop-commands::(.+)$/gm)].map((match) => match[1]);
    expect(tokens).toHaveLength(2);
    expect(tokens[0]).not.toBe(tokens[1]);
  });

  it('does not garble multi-byte characters split across output chunks', async () => {
    const script =
      'process.stdout.write(Buffer.from([0xc3])); setTimeout(() => process.stdout.write(Buffer.from([0xa9, 0x0a])), 100)';
    const result = await run(`node -e "${script}"`);

    expect(result.exitCode).toBe(0);
    expect(log).toContain('é\n');
    expect(log).not.toContain('\uFFFD');
  });
});
