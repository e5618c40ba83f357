import { randomUUID } from 'node:crypto';
import { execa } from 'execa';
import { messageOf } from '../errors.js';
import type { Clock, CommandResult, CommandRunner } from '../ports.js';

const KILL_GRACE_MS = 5_000;

/** Runs a command line through the shell, like a workflow `run:` step, and kills its whole tree on timeout. */
export class ShellCommandRunner implements CommandRunner {
  constructor(
    private readonly clock: Clock,
    private readonly write: (text: string) => void = (text) => process.stdout.write(text),
  ) {}

  async run(request: {
    command: string;
    cwd: string;
    env: Readonly<Record<string, string>>;
    timeoutMs: number;
  }): Promise<CommandResult> {
    const started = this.clock.now().getTime();
    // The command's output goes to the log as it comes, but may not issue workflow commands
    // (::set-output, ::add-mask, ...): the runner ignores them between these two lines.
    const token = randomUUID();
    this.write(`::stop-commands::${token}\n`);
    const child = execa(request.command, {
      shell: true,
      cwd: request.cwd,
      env: request.env,
      extendEnv: false,
      reject: false,
      detached: true,
      stdin: 'ignore',
      stdout: 'pipe',
      stderr: 'pipe',
      buffer: false,
    });
    child.stdout?.on('data', (chunk: Buffer) => this.write(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => this.write(chunk.toString()));
    let timedOut = false;
    const killTree = (signal: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    };
    let hardKill: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      killTree('SIGTERM');
      hardKill = setTimeout(() => killTree('SIGKILL'), KILL_GRACE_MS);
    }, request.timeoutMs);
    try {
      const result = await child;
      const durationMs = this.clock.now().getTime() - started;
      if (timedOut) return { timedOut: true, durationMs };
      if (result.failed && result.exitCode === undefined) {
        return { timedOut: false, durationMs, error: result.shortMessage ?? 'the command could not be run' };
      }
      return {
        timedOut: false,
        durationMs,
        ...(result.exitCode === undefined ? {} : { exitCode: result.exitCode }),
        ...(result.exitCode === 127 ? { error: `command not found: ${request.command}` } : {}),
      };
    } catch (error) {
      return { timedOut, durationMs: this.clock.now().getTime() - started, error: messageOf(error) };
    } finally {
      clearTimeout(timer);
      if (hardKill !== undefined && !timedOut) clearTimeout(hardKill);
      // Whatever the command left running in its group goes with it.
      killTree('SIGKILL');
      this.write(`::${token}::\n`);
    }
  }
}
