/**
 * Which stack output is the environment's URL, and URLs without the credentials some outputs embed.
 * Many apps output queue, repository or table URLs; those are AWS service API endpoints, not the
 * environment a reviewer opens.
 */
import type { StackOutput } from './report.js';

/** AWS hosts that serve an application: API Gateway, CloudFront, Lambda function URLs, load balancers. */
const APP_HOSTS = [
  /\.execute-api\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/,
  /\.cloudfront\.net$/,
  /\.lambda-url\.[a-z0-9-]+\.on\.aws$/,
  /\.elb\.amazonaws\.com(\.cn)?$/,
  /\.elb\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/,
  /\.awsapprunner\.com$/,
  /\.amplifyapp\.com$/,
];
/** Everything else under these is an AWS service endpoint (SQS, S3, DynamoDB, ECR…). */
const AWS_HOSTS = /(^|\.)(amazonaws\.com|amazonaws\.com\.cn|on\.aws|api\.aws|aws\.dev)$/;

/** True for an https URL a reviewer can open: not an AWS service API endpoint. */
export function isEnvironmentUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return false;
  }
  if (url.protocol !== 'https:') return false;
  const host = url.hostname.toLowerCase();
  return APP_HOSTS.some((pattern) => pattern.test(host)) || !AWS_HOSTS.test(host);
}

/**
 * The environment's URL output: the one named by url-output, else the first https output that is
 * not an AWS service endpoint (outputs whose key ends in Url first), else none.
 */
export function pickUrl(outputs: readonly StackOutput[], urlOutput?: string): StackOutput | undefined {
  if (urlOutput !== undefined) return outputs.find((output) => output.key === urlOutput);
  const candidates = outputs.filter(
    (output) => !output.key.startsWith('ExportsOutput') && isEnvironmentUrl(output.value),
  );
  return candidates.find((output) => /url$/i.test(output.key)) ?? candidates[0];
}

/**
 * A URL's scheme and userinfo (`https://user:secret@`), found without parsing a possibly huge text.
 * As the URL parser does, web schemes take any run of slashes or backslashes before the userinfo,
 * none included (`https:user:secret@host`); other schemes need `//`.
 */
const USERINFO = /^(\s*(?:https?|wss?|ftp):[\\/]*)[^/\\?#\s]*@|^(\s*[a-z][a-z0-9+.-]*:\/\/)[^/?#\s]*@/i;

/** The text with the user:password@ of a leading URL removed; anything else is returned as it is. */
export function withoutUserinfo(value: string): string {
  return value.replace(USERINFO, '$1$2');
}

/** The credentials a URL embeds (password, and the user name when there is no password), to mask in the log. */
export function userinfoSecrets(value: string): string[] {
  const url = parseWithUserinfo(value);
  if (url === undefined) return [];
  const secrets = [url.password, decoded(url.password)].filter((secret) => secret !== '');
  if (secrets.length === 0) secrets.push(url.username, decoded(url.username));
  return [...new Set(secrets.filter((secret) => secret !== ''))];
}

function parseWithUserinfo(value: string): URL | undefined {
  if (!USERINFO.test(value)) return undefined;
  try {
    const url = new URL(value.trim());
    return url.username === '' && url.password === '' ? undefined : url;
  } catch {
    return undefined;
  }
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
