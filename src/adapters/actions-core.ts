import * as core from '@actions/core';
import type { Log, StepPort } from '../ports.js';

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
