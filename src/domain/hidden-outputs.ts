/**
 * Which stack outputs are secrets: masked in the log, and shown as hidden in the comment, the job
 * summary, the deployment and the report file. Pure rules.
 */
import { screamingSnake } from './outputs.js';
import type { StackOutput } from './report.js';

/** Values shorter than this are not masked: masking a short value garbles the whole log. */
export const MIN_MASKED_LENGTH = 8;

const SECRET_WORDS = new Set(['SECRET', 'PASSWORD', 'PASSWD', 'TOKEN', 'CREDENTIAL', 'CREDENTIALS']);
const SECRET_PAIRS = new Set(['API_KEY', 'PRIVATE_KEY', 'ACCESS_KEY']);
const NOT_SECRET_ENDINGS = new Set(['KEY_ARN', 'KEY_ID', 'KEY_NAME']);

/**
 * True when a whole camelCase word of the key is Secret, Password, Passwd, Token or Credential(s),
 * or two are ApiKey, PrivateKey or AccessKey; keys ending KeyArn, KeyId or KeyName are not secrets.
 */
export function looksSecret(key: string): boolean {
  const words = screamingSnake(key)
    .split('_')
    .filter((word) => word !== '');
  if (NOT_SECRET_ENDINGS.has(words.slice(-2).join('_'))) return false;
  return words.some(
    (word, index) => SECRET_WORDS.has(word) || (index > 0 && SECRET_PAIRS.has(`${words[index - 1]}_${word}`)),
  );
}

/** A hide-outputs entry (a name, or a glob with * and ?) as a test on an OutputKey. */
export function outputPattern(pattern: string): (key: string) => boolean {
  const source = pattern
    .split('')
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
    .join('');
  const regex = new RegExp(`^${source}$`);
  return (key) => regex.test(key);
}

/** True when the output must be hidden: it looks secret, or hide-outputs names it. */
export function isHiddenOutput(key: string, hideOutputs: readonly string[]): boolean {
  return looksSecret(key) || hideOutputs.some((pattern) => outputPattern(pattern)(key));
}

/** The outputs as reports show them: hidden ones keep their key and stack, never their value. */
export function concealOutputs(
  outputs: readonly StackOutput[],
  hideOutputs: readonly string[],
): StackOutput[] {
  return outputs.map((output) =>
    isHiddenOutput(output.key, hideOutputs) ? { ...output, value: '', hidden: true } : output,
  );
}

/** The values to mask in the log: those of hidden outputs, when long enough to mask safely. */
export function valuesToMask(outputs: readonly StackOutput[], hideOutputs: readonly string[]): string[] {
  return outputs
    .filter((output) => isHiddenOutput(output.key, hideOutputs) && output.value.length >= MIN_MASKED_LENGTH)
    .map((output) => output.value);
}
