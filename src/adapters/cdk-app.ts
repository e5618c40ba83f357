/**
 * Runs the CDK app's own command, as the CDK CLI does: through the shell in app-dir, with the
 * context in CDK_CONTEXT_JSON and the assembly written to CDK_OUTDIR. No toolkit-lib here.
 */
import { spawn } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { extname, isAbsolute, join } from 'node:path';
import { appContext, type ContextValues } from '../domain/cdk-context.js';
import { messageOf, SynthError } from '../errors.js';
import type { Log } from '../ports.js';

/** Lines of the app's stderr a failed synth puts into its error. */
export const STDERR_TAIL_LINES = 25;

/** The variables the CLI sets for the app beside the context (cx-api's names). */
export interface AppVariables {
  readonly CDK_OUTDIR: string;
  readonly CDK_DEFAULT_ACCOUNT: string;
  readonly CDK_DEFAULT_REGION: string;
  readonly CDK_CLI_ASM_VERSION: string;
  readonly CDK_CLI_VERSION: string;
}

/** One run of the app. */
export interface AppRun {
  /** The app as configured (cdk.json's or the app input), for messages. */
  readonly app: string;
  /** The command line as run (the app, or `node <file>` for a .js file that is not executable). */
  readonly command: string;
  readonly cwd: string;
  /** The environment the app inherits: the step's, as the toolkit would hand it. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly variables: AppVariables;
  readonly context: Readonly<Record<string, unknown>>;
}

/** The app command from cdk.json; a clear error when there is none. */
export async function appFromCdkJson(appDir: string): Promise<string> {
  const cdkJson = await readJson(join(appDir, 'cdk.json'), () => {
    throw new SynthError(
      `No cdk.json in ${appDir}: point app-dir at the folder holding your CDK app's cdk.json, or set the app input to the command that synthesizes it.`,
    );
  });
  const app = cdkJson.app;
  if (typeof app !== 'string' || app.trim() === '') {
    throw new SynthError(`${join(appDir, 'cdk.json')} has no "app" command: add one, or set the app input.`);
  }
  return app;
}

/** The context the app gets: prenv's over cdk.json's, cdk.context.json's and ~/.cdk.json's, as the toolkit merges them. */
export async function readAppContext(appDir: string, prenv: ContextValues): Promise<Record<string, unknown>> {
  const none = () => ({});
  const [cdkJson, project, user] = await Promise.all([
    readJson(join(appDir, 'cdk.json'), none),
    readJson(join(appDir, 'cdk.context.json'), none),
    readJson(join(homedir() || '/tmp', '.cdk.json'), none),
  ]);
  return appContext({ prenv, cdkJson: contextOf(cdkJson), project, user: contextOf(user) });
}

/**
 * The command line the toolkit would run: a `.js` file that is not executable runs with this
 * Node; anything else runs as written. The file is looked for in app-dir, where the command runs.
 */
export async function commandFor(app: string, appDir: string): Promise<string> {
  const trimmed = app.trim();
  const whole = await fileAt(trimmed, appDir);
  if (whole !== undefined) return withInterpreter(trimmed, whole);
  const space = trimmed.indexOf(' ');
  const quoted = trimmed.startsWith('"') ? trimmed.indexOf('"', 1) : -1;
  const [first, rest] =
    quoted > 0
      ? [trimmed.slice(1, quoted), trimmed.slice(quoted + 1).trim()]
      : space > 0
        ? [trimmed.slice(0, space), trimmed.slice(space + 1)]
        : [trimmed, ''];
  const file = await fileAt(first, appDir);
  return file === undefined ? trimmed : `${withInterpreter(first, file)} ${rest}`.trim();
}

/**
 * Runs the app and resolves with its process time (spawn → exit) in ms; every output line goes to
 * the log. A non-zero exit is a SynthError that ends with the tail of the app's stderr. onStarted
 * is called right after the spawn.
 */
export function runApp(run: AppRun, log: Log, onStarted?: () => void): Promise<number> {
  const env = { ...environmentOf(run), CDK_CONTEXT_JSON: JSON.stringify(run.context) };
  const stderr: string[] = [];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(run.command, {
      shell: true,
      cwd: run.cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    onStarted?.();
    lines(child.stdout, (line) => log.info(line));
    lines(child.stderr, (line) => {
      log.info(line);
      stderr.push(line);
      if (stderr.length > STDERR_TAIL_LINES) stderr.shift();
    });
    const failed = (message: string, cause?: unknown) =>
      new SynthError(
        `The CDK app failed to synthesize (${run.app} in ${run.cwd}): ${message}`,
        cause === undefined ? undefined : { cause },
      );
    child.on('error', (error) =>
      reject(failed(`Failed to execute CDK app: ${run.command}: ${messageOf(error)}`, error)),
    );
    child.on('close', (code, signal) => {
      const ms = Math.round(performance.now() - started);
      if (code === 0) return resolve(ms);
      const failure = signal === null ? `exited with error ${code}` : `was killed with signal ${signal}`;
      const tail = stderr.join('\n');
      reject(failed(`${run.command}: Subprocess ${failure}${tail === '' ? '' : `\n${tail}`}`));
    });
  });
}

/**
 * Whether the context fits into CDK_CONTEXT_JSON beside the rest of the environment (Linux allows
 * 128 KiB a variable; the toolkit counts the whole environment against it). When it does not, the
 * toolkit writes the rest to a file (CONTEXT_OVERFLOW_LOCATION_ENV): leave such an app to it.
 */
export function contextFits(run: AppRun): boolean {
  const size = (text: string) => Buffer.byteLength(text);
  const used = Object.entries(environmentOf(run)).reduce(
    (sum, [key, value]) => sum + size(key) + size(value),
    size('CDK_CONTEXT_JSON'),
  );
  return size(JSON.stringify(run.context)) <= ENV_LIMIT - used;
}

const ENV_LIMIT = 131_072;

/** The app's environment without the context: the toolkit's order, later entries winning. */
function environmentOf(run: AppRun): Record<string, string> {
  const env: Record<string, string> = { PYTHONIOENCODING: 'utf-8' };
  for (const [key, value] of Object.entries({ ...process.env, ...run.env, ...run.variables })) {
    if (value !== undefined && key !== 'CDK_CONTEXT_JSON') env[key] = value;
  }
  return env;
}

/** Calls fn with each non-empty line of a stream, trimmed of its line ending. */
function lines(stream: NodeJS.ReadableStream, fn: (line: string) => void): void {
  let partial = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    for (const part of parts) emit(part, fn);
  });
  stream.on('end', () => emit(partial, fn));
}

function emit(line: string, fn: (line: string) => void): void {
  const text = line.replace(/\r$/, '');
  if (text.trim() !== '') fn(text);
}

async function fileAt(name: string, dir: string): Promise<{ executable: boolean } | undefined> {
  if (name === '') return undefined;
  try {
    const info = await stat(isAbsolute(name) ? name : join(dir, name));
    return info.isFile() ? { executable: (info.mode & 0o111) !== 0 } : undefined;
  } catch {
    return undefined;
  }
}

function withInterpreter(name: string, file: { executable: boolean }): string {
  const quoted = quote(name);
  return extname(name) === '.js' && !file.executable ? `${quote(process.execPath)} ${quoted}` : quoted;
}

function quote(part: string): string {
  return /^[A-Za-z0-9_+=:,.@/-]+$/.test(part) ? part : `"${part.replace(/([\\"$`])/g, '\\$1')}"`;
}

function contextOf(settings: Record<string, unknown>): Record<string, unknown> {
  const context = settings.context;
  return typeof context === 'object' && context !== null && !Array.isArray(context)
    ? (context as Record<string, unknown>)
    : {};
}

async function readJson(
  path: string,
  whenMissing: () => Record<string, unknown>,
): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return whenMissing();
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new SynthError(`${path} is not valid JSON: ${messageOf(error)}`);
  }
}
