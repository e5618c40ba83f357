import { randomUUID } from 'node:crypto';
import { execa } from 'execa';
import { messageOf } from '../errors.js';
import type { Clock, CommandResult, CommandRunner } from '../ports.js';

/** Options of the shell command runner. */
export interface ShellCommandRunnerOptions {
  /** How long a timed-out command may take to exit after SIGTERM before it gets SIGKILL. @default 5000 */
  readonly killGraceMs?: number;
}

/** Runs a command line through the shell, like a workflow `run:` step, and kills its whole tree on timeout. */
export class ShellCommandRunner implements CommandRunner {
  private readonly killGraceMs: number;

  constructor(
    private readonly clock: Clock,
    private readonly write: (text: string) => void = (text) => process.stdout.write(text),
    options: ShellCommandRunnerOptions = {},
  ) {
    this.killGraceMs = options.killGraceMs ?? 5_000;
  }

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
    let atLineStart = true;
    const emit = (text: string) => {
      if (text === '') return;
      this.write(text);
      atLineStart = text.endsWith('\n');
    };
    this.write(`::stop-commands::${token}\n`);
    const child = execa(request.command, {
      shell: true,
      cwd: request.cwd,
      env: request.env,
      extendEnv: false,
      reject: false,
      // Its own process group, so that the whole tree can be signalled at once.
      detached: true,
      stdin: 'ignore',
      stdout: 'pipe',
      stderr: 'pipe',
      buffer: false,
    });
    // Decoded per stream, so that a character split across two chunks is not garbled.
    child.stdout?.setEncoding('utf8').on('data', emit);
    child.stderr?.setEncoding('utf8').on('data', emit);
    const killTree = (signal: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    };
    let timedOut = false;
    // When the shell exits, whatever it left running in its group goes with it: a background
    // process still holding the output pipes would otherwise keep the run waiting until the timeout.
    // After a timeout the shell dies of SIGTERM first; the rest keep their grace period.
    child.once('exit', () => {
      if (!timedOut) killTree('SIGKILL');
    });
    let hardKill: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      killTree('SIGTERM');
      hardKill = setTimeout(() => killTree('SIGKILL'), this.killGraceMs);
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
      clearTimeout(hardKill);
      killTree('SIGKILL');
      // The end token must be a line of its own, or the runner never resumes workflow commands.
      this.write(`${atLineStart ? '' : '\n'}::${token}::\n`);
    }
  }
}
