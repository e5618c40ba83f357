// proxy-from-env 2 ships no types: the one function prenv uses.
declare module 'proxy-from-env' {
  /** The proxy URL the *_PROXY variables name for a URL, or '' when NO_PROXY matches or none is set. */
  export function getProxyForUrl(url: string | URL): string;
}
