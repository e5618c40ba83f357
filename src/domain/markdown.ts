/**
 * Safe text for GitHub-flavoured markdown. Everything that comes from tests, AWS or users goes
 * through one of these before it reaches a comment or a summary.
 *
 * Strategy (see escapeText): text is collapsed to one line, HTML is entity-encoded, markdown
 * punctuation is backslash-escaped, and GitHub's text filters (mentions, issue references, commit
 * autolinks, bare URL autolinks) are defeated by an invisible U+200D ZERO WIDTH JOINER placed where
 * their patterns need a specific next character. Entities cannot be used for those: GitHub runs
 * its filters on the rendered HTML text, where `&#64;` is `@` again. Values people copy (outputs,
 * stack names) go in code spans instead, where GitHub applies none of those filters.
 */

/** The invisible character that breaks mentions, references and autolinks (U+200D). */
export const BREAK = '\u200D';

// C0/C1 controls other than tab/newline, DEL, and bidi overrides ("trojan source").
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
const UNSAFE_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;
const WHITESPACE = /\s+/g;
const HTML = /[&<>]/g;
const HTML_ENTITY: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
const PUNCTUATION = /[\\`*_[\]|~$#]/g;
const HEX_RUN = /\b[0-9a-f]{7,}\b/gi;

/** Removes control and bidi-override characters and collapses all whitespace to single spaces. */
export function oneLine(s: string): string {
  return s.replace(UNSAFE_CHARS, '').replace(WHITESPACE, ' ').trim();
}

/** Escapes untrusted text for inline markdown: one line, no HTML, links, mentions or references. */
export function escapeText(s: string): string {
  let out = oneLine(s)
    .replace(HTML, (c) => HTML_ENTITY[c] ?? c)
    .replace(PUNCTUATION, (c) => `\\${c}`)
    .replace(/\\#(?=[\p{L}\p{N}])/gu, `\\#${BREAK}`)
    .replace(/@/g, `@${BREAK}`)
    .replace(/:\/\//g, `:${BREAK}//`)
    .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}${BREAK}.`)
    .replace(/\bgh-(?=\d)/gi, (m) => `${m}${BREAK}`)
    .replace(HEX_RUN, (m) => (m.match(/.{1,6}/g) ?? [m]).join(BREAK));
  // Block syntax only matters where the text starts a line or a list item.
  if (/^[-+=]/.test(out)) out = `\\${out}`;
  out = out.replace(/^(\d+)([.)])/, '$1\\$2');
  return out;
}

/** Escapes untrusted text for a GFM table cell (pipes escaped, never empty). */
export function escapeCell(s: string): string {
  return escapeText(s) || ' ';
}

/** Wraps untrusted text in an inline code span that nothing inside can close or break out of. */
export function codeSpan(s: string): string {
  // Code spans show `<` literally, but a joiner after it keeps raw tags (and `<!--`, which could
  // forge the comment's hidden marker) out of the body even for readers that ignore code spans.
  const text = oneLine(s).replace(/<(?=[A-Za-z/!?])/g, `<${BREAK}`);
  if (text === '') return '` `';
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`');
  return pad ? `${fence} ${text} ${fence}` : `${fence}${text}${fence}`;
}

/**
 * Markdown text with its code spans, as codeSpan writes them, back to their text: a span's fence is
 * closed only by a run of backticks of the same length, and one space is taken off each side when
 * both have one (CommonMark), so a value holding backticks comes back whole.
 */
export function unwrapCodeSpans(markdown: string): string {
  return markdown.replace(/(?<!`)(`+)(?!`)(.*?)(?<!`)\1(?!`)/g, (_span, _fence, inner: string) =>
    inner.startsWith(' ') && inner.endsWith(' ') && inner.trim() !== '' ? inner.slice(1, -1) : inner,
  );
}

/** A code span for a GFM table cell: pipes escaped the way tables require, even in code. */
export function codeCell(s: string): string {
  // A backslash right before a pipe would pair with the escape; the joiner keeps them apart.
  return codeSpan(s.replace(/\\(?=\|)/g, `\\${BREAK}`)).replace(/\|/g, '\\|');
}

/** The first non-blank line of a possibly huge, multi-line text, trimmed. */
export function firstLine(s: string): string {
  const start = s.search(/\S/);
  if (start < 0) return '';
  const rest = s.slice(start);
  const end = rest.search(/[\r\n]/);
  return (end < 0 ? rest : rest.slice(0, end)).trimEnd();
}

/** Cuts text to at most `max` characters, ending in an ellipsis when it was cut. */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  if (max <= 1) return '…'.slice(0, Math.max(0, max));
  let end = max - 1;
  const last = s.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1; // never split a surrogate pair
  return `${s.slice(0, end)}…`;
}

/** The longest URL rendered as a link; longer ones are shown as text only. */
export const MAX_LINK_LENGTH = 2000;

const HREF_UNSAFE = /[\s<>()"'`\\|]/g;

function httpUrl(raw: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  url.username = '';
  url.password = '';
  return url;
}

/** Turns untrusted text into a link target if it is an http(s) URL, with credentials removed. */
export function safeHref(raw: string): string | undefined {
  const url = httpUrl(raw);
  if (url === undefined) return undefined;
  const href = url.href
    .replace(HREF_UNSAFE, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)
    .replace(/&/g, '&amp;');
  return href.length <= MAX_LINK_LENGTH ? href : undefined;
}

/** A markdown link with escaped text, or undefined if the URL is not a safe http(s) URL. */
export function link(text: string, rawUrl: string): string | undefined {
  const href = safeHref(rawUrl);
  return href === undefined ? undefined : `[${escapeText(text)}](${href})`;
}

/** A markdown link to an untrusted URL, shown without its scheme and shortened, or undefined if unsafe. */
export function urlLink(rawUrl: string, maxText = 100): string | undefined {
  const url = httpUrl(rawUrl);
  if (url === undefined) return undefined;
  return link(truncate(url.href.slice(url.protocol.length + 2), maxText), url.href);
}
