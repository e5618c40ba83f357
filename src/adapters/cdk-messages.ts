/** Reading and rendering toolkit-lib's messages (IoMessage): the log lines, masks and names prenv takes from them. */
import type { IoMessage } from '@aws-cdk/toolkit-lib';
import { valuesToMask } from '../domain/hidden-outputs.js';
import type { Log } from '../ports.js';
import { STDERR_TAIL_LINES } from './cdk-app.js';

/** Masks the secret outputs of a deployed stack (CDK_TOOLKIT_I5900's data) before the toolkit prints them. */
export function maskOutputs(data: unknown, hideOutputs: readonly string[], log: Log): void {
  const outputs = (data as { outputs?: unknown } | undefined)?.outputs;
  if (typeof outputs !== 'object' || outputs === null) return;
  const list = Object.entries(outputs).map(([key, value]) => ({ stack: '', key, value: String(value) }));
  for (const value of valuesToMask(list, hideOutputs)) log.mask(value);
}

/** Writes a toolkit message to the step log at its level. */
export function renderMessage(message: IoMessage<unknown>, log: Log): void {
  const text = message.message.trim();
  if (text === '') return;
  // The app's own stderr (bundler progress, CDK's notices) is log output, not an annotation; a
  // failing synth puts its tail into the error instead.
  if (message.code === 'CDK_ASSEMBLY_E1002') log.info(text);
  else if (message.level === 'error' || message.level === 'warn') log.warning(text);
  else if (message.level === 'info' || message.level === 'result') log.info(text);
  else log.debug(text);
}

/** The stack name a message's data names, if any. */
export function stackNameOf(data: unknown): string | undefined {
  const stack = (data as { stack?: { stackName?: unknown } } | undefined)?.stack;
  return typeof stack?.stackName === 'string' ? stack.stackName : undefined;
}

/** The stack name in a stack ARN. */
export function nameFromArn(arn: string | undefined): string | undefined {
  return arn?.split(':stack/')[1]?.split('/')[0];
}

/** The last lines of the stderr a failed synth's error carries. */
export function tailOf(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  const text = cause instanceof Error ? cause.message : '';
  return text.split('\n').slice(-STDERR_TAIL_LINES).join('\n');
}
