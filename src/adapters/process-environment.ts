import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { isWithheld } from '../domain/env-names.js';
import { messageOf } from '../errors.js';

/** The step's environment as the runner gave it, and whether the process still shows the withheld part. */
export interface TakenEnvironment {
  /** Every variable the step started with, the withheld ones included: prenv reads its inputs here. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Why /proc/self/environ could not be cleared, when it could not (a warning for the log). */
  readonly problem?: string;
}

/**
 * Takes the step's environment into memory and removes what PR code must not read (the inputs,
 * GitHub tokens, the OIDC and runtime tokens) from this process: from process.env, which every
 * child started without an explicit environment inherits (toolkit-lib's asset builds), and from
 * /proc/<pid>/environ, which any process of the same user can read (PR code reads /proc/$PPID/environ).
 * Call it first, before anything starts a child.
 */
export function takeEnvironment(): TakenEnvironment {
  const env = { ...process.env };
  const withheld = Object.keys(env).filter(isWithheld);
  for (const name of withheld) delete process.env[name];
  if (withheld.length === 0 || process.platform !== 'linux') return { env };
  try {
    scrubOwnEnviron();
    return { env };
  } catch (error) {
    return {
      env,
      problem:
        `prenv could not clear the GitHub and OIDC tokens from its own /proc/${process.pid}/environ ` +
        `(${messageOf(error)}): code of the pull request running as the same user could read them there.`,
    };
  }
}

/**
 * /proc/<pid>/environ is read from the process's own memory, the strings execve placed between
 * env_start and env_end (proc(5), /proc/pid/stat fields 50 and 51). unsetenv only drops the
 * pointer to a string there, so the withheld strings themselves are overwritten with NUL bytes,
 * through /proc/self/mem. process.env no longer points at them (takeEnvironment deleted them
 * first), so nothing in the process reads them again.
 */
function scrubOwnEnviron(): void {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const start = Number(fields[50 - 3]);
  const end = Number(fields[51 - 3]);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start <= 0 || end <= start) {
    throw new Error('/proc/self/stat shows no environment area');
  }
  const area = readFileSync('/proc/self/environ');
  if (area.length !== end - start)
    throw new Error('/proc/self/environ does not match its area in /proc/self/stat');
  const fd = openSync('/proc/self/mem', 'r+');
  try {
    let offset = 0;
    while (offset < area.length) {
      const nul = area.indexOf(0, offset);
      const stop = nul === -1 ? area.length : nul;
      const entry = area.subarray(offset, stop).toString('latin1');
      const name = entry.slice(0, Math.max(entry.indexOf('='), 0));
      if (name !== '' && isWithheld(name)) {
        const zeros = Buffer.alloc(stop - offset);
        if (writeSync(fd, zeros, 0, zeros.length, start + offset) !== zeros.length) {
          throw new Error(`short write over ${name}`);
        }
      }
      offset = stop + 1;
    }
  } finally {
    closeSync(fd);
  }
  const after = readFileSync('/proc/self/environ').toString('latin1');
  const left = after
    .split('\0')
    .find((entry) => entry.includes('=') && isWithheld(entry.slice(0, entry.indexOf('='))));
  if (left !== undefined) throw new Error(`${left.slice(0, left.indexOf('='))} is still there`);
}
