import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { EVENT_NAMES, type EventFixture, writeEvent } from '../fixtures/events.js';
import type { GitHubServer } from './github-server.js';
import { MOTO_ENV, type Moto } from './moto.js';

/** The repository root. */
export const ROOT = resolve(import.meta.dirname, '../..');
/** The Node 24 binary the action ships for (the `node` npm package). */
export const NODE24 = join(ROOT, 'node_modules/node/bin/node');
/**
 * Inputs every test run gets unless it says otherwise: moto finishes stack operations at once, so
 * the tests poll fast. Real AWS runs (and the benchmarks) keep prenv's defaults.
 */
export const TEST_INPUTS: Readonly<Record<string, string>> = { 'poll-interval-ms': '50' };
/** The token tests hand the action and the GitHub stand-in. */
export const TEST_TOKEN = 'ghs_prenvtesttoken';

/** How to run the action. */
export interface RunActionOptions {
  /** Inputs by action.yml name; defaults from action.yml fill the rest. */
  readonly inputs?: Readonly<Record<string, string>>;
  /** An event fixture, or a raw event. */
  readonly event?: EventFixture | { readonly name: string; readonly payload: unknown };
  /** Deep overrides of the fixture payload. */
  readonly eventOverrides?: Record<string, unknown>;
  readonly github?: GitHubServer;
  /** Grant id-token: write (ACTIONS_ID_TOKEN_REQUEST_* set). @default false */
  readonly idToken?: boolean;
  readonly moto?: Moto;
  /** More environment for the step. */
  readonly env?: Readonly<Record<string, string>>;
  /** Which entry point: main or post. @default index */
  readonly entry?: 'index' | 'post';
  /** State saved by an earlier main step (for post). */
  readonly state?: Readonly<Record<string, string>>;
  /** The folder holding action.yml and dist/. @default ROOT */
  readonly actionDir?: string;
  /** GITHUB_WORKSPACE. @default ROOT */
  readonly workspace?: string;
  readonly timeoutMs?: number;
}

/** What the runner would see. */
export interface ActionRun {
  readonly exitCode: number | null;
  readonly outputs: Record<string, string>;
  readonly state: Record<string, string>;
  readonly summary: string;
  readonly envFile: string;
  /** stdout and stderr, interleaved as they came. */
  readonly log: string;
  readonly durationMs: number;
}

/** action.yml's input defaults. */
export function actionDefaults(actionDir = ROOT): Record<string, string> {
  const action = parse(readFileSync(join(actionDir, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string }>;
  };
  return Object.fromEntries(Object.entries(action.inputs).map(([name, spec]) => [name, spec.default ?? '']));
}

/** A run set up as the runner sets it up: its environment, files and the script to start. */
export interface PreparedRun {
  readonly env: Record<string, string>;
  /** dist/index.js or dist/post.js of the action. */
  readonly script: string;
  readonly cwd: string;
  /** What the run wrote through the runner's file commands. */
  results(): Promise<Pick<ActionRun, 'outputs' | 'state' | 'summary' | 'envFile'>>;
  /** Removes the run's temporary folder. */
  dispose(): Promise<void>;
}

/** Prepares a run of the action as the runner would: INPUT_* with defaults, GITHUB_* files, the event. */
export async function prepareActionRun(options: RunActionOptions = {}): Promise<PreparedRun> {
  const actionDir = options.actionDir ?? ROOT;
  const dir = await mkdtemp(join(tmpdir(), 'prenv-run-'));
  const files = {
    output: join(dir, 'output'),
    state: join(dir, 'state'),
    env: join(dir, 'env'),
    summary: join(dir, 'summary'),
    path: join(dir, 'path'),
  };
  await Promise.all(Object.values(files).map((file) => writeFile(file, '')));
  const token = options.github === undefined ? '' : TEST_TOKEN;
  const inputs: Record<string, string> = {};
  for (const [name, value] of Object.entries({
    ...actionDefaults(actionDir),
    ...TEST_INPUTS,
    ...options.inputs,
  })) {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: action.yml's literal expression default
    inputs[name] = value === '${{ github.token }}' ? token : value;
  }
  const event = options.event ?? 'pull-request-opened';
  let eventName: string;
  let eventPath: string;
  if (typeof event === 'string') {
    eventName = EVENT_NAMES[event];
    eventPath = await writeEvent(dir, event, options.eventOverrides);
  } else {
    eventName = event.name;
    eventPath = join(dir, 'event.json');
    await writeFile(eventPath, JSON.stringify(event.payload));
  }
  const payload = JSON.parse(await readFile(eventPath, 'utf8')) as {
    pull_request?: { head?: { sha?: string } };
    repository?: { full_name?: string };
  };
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    LANG: 'C.UTF-8',
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    RUNNER_TEMP: dir,
    RUNNER_OS: 'Linux',
    GITHUB_WORKSPACE: options.workspace ?? ROOT,
    GITHUB_EVENT_NAME: eventName,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: payload.repository?.full_name ?? 'octo-org/invoices',
    GITHUB_SHA: payload.pull_request?.head?.sha ?? 'f'.repeat(40),
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_ACTION_PATH: actionDir,
    GITHUB_OUTPUT: files.output,
    GITHUB_STATE: files.state,
    GITHUB_ENV: files.env,
    GITHUB_PATH: files.path,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_API_URL: options.github?.url ?? 'http://127.0.0.1:9',
    ...(options.github !== undefined && options.idToken
      ? {
          ACTIONS_ID_TOKEN_REQUEST_URL: options.github.oidcRequestUrl,
          ACTIONS_ID_TOKEN_REQUEST_TOKEN: options.github.oidcRequestToken,
        }
      : {}),
    ...(options.moto === undefined ? {} : { ...MOTO_ENV, AWS_ENDPOINT_URL: options.moto.endpoint }),
    ...Object.fromEntries(
      Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]),
    ),
    ...Object.fromEntries(
      Object.entries(options.state ?? {}).map(([name, value]) => [`STATE_${name}`, value]),
    ),
    ...options.env,
  };
  return {
    env,
    script: join(actionDir, `dist/${options.entry ?? 'index'}.js`),
    cwd: options.workspace ?? ROOT,
    results: async () => ({
      outputs: parseCommandFile(await readFile(files.output, 'utf8')),
      state: parseCommandFile(await readFile(files.state, 'utf8')),
      summary: await readFile(files.summary, 'utf8'),
      envFile: await readFile(files.env, 'utf8'),
    }),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Runs dist/index.js (or dist/post.js) as the GitHub runner does, and collects what it wrote. */
export async function runAction(options: RunActionOptions = {}): Promise<ActionRun> {
  const prepared = await prepareActionRun(options);
  try {
    const started = Date.now();
    const { exitCode, log } = await spawnNode(prepared, options.timeoutMs ?? 240_000);
    return { exitCode, log, durationMs: Date.now() - started, ...(await prepared.results()) };
  } finally {
    await prepared.dispose();
  }
}

function spawnNode(run: PreparedRun, timeoutMs: number): Promise<{ exitCode: number | null; log: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(NODE24, [run.script], {
      env: run.env,
      cwd: run.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stdout.on('data', (chunk: Buffer) => {
      log += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      log += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (process.env.PRENV_TEST_LOG) process.stderr.write(log);
      resolvePromise({ exitCode: code, log });
    });
  });
}

/** Parses the runner's file-command format (name<<DELIMITER ... DELIMITER, or name=value). */
export function parseCommandFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    const heredoc = line.match(/^([^=<]+)<<(.+)$/);
    if (heredoc) {
      const [, name = '', delimiter] = heredoc;
      const body: string[] = [];
      index++;
      while (index < lines.length && lines[index] !== delimiter) body.push(lines[index++] ?? '');
      values[name] = body.join('\n');
    } else if (line.includes('=')) {
      const at = line.indexOf('=');
      values[line.slice(0, at)] = line.slice(at + 1);
    }
  }
  return values;
}
