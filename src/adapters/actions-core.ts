import * as core from '@actions/core';
import { HttpClient } from '@actions/http-client';
import { BearerCredentialHandler } from '@actions/http-client/lib/auth';
import type { Log, OidcPort, StepPort } from '../ports.js';

/** The step log through @actions/core. */
export const actionsLog: Log = {
  info: (message) => core.info(message),
  notice: (message) => core.notice(message),
  warning: (message) => core.warning(message),
  error: (message) => core.error(message),
  debug: (message) => core.debug(message),
  group: (name, fn) => core.group(name, fn),
  mask: (secret) => core.setSecret(secret),
};

/** Outputs, job summary and saved state through @actions/core. */
export const actionsStep: StepPort = {
  setOutput: (name, value) => core.setOutput(name, value),
  appendSummary: async (markdown) => {
    if (!process.env.GITHUB_STEP_SUMMARY) return;
    await core.summary.addRaw(markdown, true).write();
  },
  saveState: (name, value) => core.saveState(name, value),
  getState: (name) => core.getState(name),
};

/** Reads an input from the step's environment as @actions/core does (INPUT_ + upper case, trimmed). */
export function inputReader(env: Readonly<Record<string, string | undefined>>): (name: string) => string {
  return (name) => (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

/**
 * The GitHub Actions OIDC token, when the job has id-token: write. The request URL and token come
 * from the environment prenv took into memory: they are no longer in process.env, where
 * core.getIDToken would look.
 */
export function actionsOidc(env: Readonly<Record<string, string | undefined>>): OidcPort {
  const url = env.ACTIONS_ID_TOKEN_REQUEST_URL ?? '';
  const requestToken = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN ?? '';
  return {
    available: () => url !== '' && requestToken !== '',
    token: async (audience) => {
      const client = new HttpClient('prenv', [new BearerCredentialHandler(requestToken)], {
        allowRetries: true,
        maxRetries: 10,
      });
      const response = await client.getJson<{ value?: unknown }>(
        `${url}&audience=${encodeURIComponent(audience)}`,
      );
      const token = response.result?.value;
      if (typeof token !== 'string' || token === '') {
        throw new Error(`the OIDC token endpoint answered ${response.statusCode} with no token`);
      }
      core.setSecret(token);
      return token;
    },
  };
}
