import { readFile } from 'node:fs/promises';
import { type GitHubEvent, readEvent } from '../domain/event.js';
import { InputError, messageOf } from '../errors.js';

/** The run's context, from the runner's GITHUB_* variables. Read inside run(), never at import. */
export interface RunContext {
  readonly event: GitHubEvent;
  readonly repository: string;
  readonly workspace: string;
  readonly apiUrl: string;
  readonly runUrl?: string;
  readonly repositoryUrl: string;
  readonly tempDir: string;
}

/** Reads the runner's environment and the event payload file. */
export async function readRunContext(env: NodeJS.ProcessEnv): Promise<RunContext> {
  const repository = env.GITHUB_REPOSITORY ?? '';
  if (!/^[\w.-]+\/[\w.-]+$/.test(repository)) {
    throw new InputError('GITHUB_REPOSITORY', `GITHUB_REPOSITORY must be owner/repo; got "${repository}"`);
  }
  let payload: unknown = {};
  if (env.GITHUB_EVENT_PATH) {
    try {
      payload = JSON.parse(await readFile(env.GITHUB_EVENT_PATH, 'utf8'));
    } catch (error) {
      throw new InputError(
        'GITHUB_EVENT_PATH',
        `Could not read the event payload ${env.GITHUB_EVENT_PATH}: ${messageOf(error)}`,
        { cause: error },
      );
    }
  }
  const serverUrl = (env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/$/, '');
  const repositoryUrl = `${serverUrl}/${repository}`;
  return {
    event: readEvent(env.GITHUB_EVENT_NAME ?? '', repository, env.GITHUB_SHA ?? '', payload),
    repository,
    workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
    apiUrl: env.GITHUB_API_URL ?? 'https://api.github.com',
    repositoryUrl,
    ...(env.GITHUB_RUN_ID ? { runUrl: `${repositoryUrl}/actions/runs/${env.GITHUB_RUN_ID}` } : {}),
    tempDir: env.RUNNER_TEMP ?? env.TMPDIR ?? '/tmp',
  };
}
