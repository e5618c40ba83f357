import { describe, expect, it } from 'vitest';
import {
  BREAK,
  codeCell,
  codeSpan,
  escapeCell,
  escapeText,
  firstLine,
  link,
  safeHref,
  truncate,
  unwrapCodeSpans,
  urlLink,
} from '../../src/domain/markdown.js';

/** What a reader sees: backslash escapes resolved, joiners invisible. */
const seen = (s: string) => s.replace(/\\(.)/g, '$1').replaceAll(BREAK, '');

describe('escapeText', () => {
  it('leaves plain text alone', () => {
    expect(escapeText('creates an invoice')).toBe('creates an invoice');
  });

  it('encodes HTML so no tag or entity survives', () => {
    const out = escapeText('<script>alert(1)</script> <img src=x onerror=alert(1)> &#64; &amp;');
    expect(out).not.toMatch(/<|>/);
    expect(out).toContain('&lt;script&gt;');
    expect(out).toContain('&amp;\\#');
    expect(out).toContain('&amp;amp;');
  });

  it('keeps @mentions and team mentions from pinging', () => {
    const out = escapeText('ping @octocat and @org/team, mail a@b.example');
    expect(out).not.toMatch(/@[a-z]/i);
    expect(seen(out)).toBe('ping @octocat and @org/team, mail a@b.example');
  });

  it('turns links, images and autolinks into plain text', () => {
    const out = escapeText(
      '[click](https://evil) ![x](https://evil/img) https://evil.example/x www.evil.example',
    );
    expect(out).not.toMatch(/(^|[^\\])[[\]]/);
    expect(out).not.toMatch(/https?:\/\//);
    expect(out).not.toMatch(/www\./);
    expect(seen(out)).toBe(
      '[click](https://evil) ![x](https://evil/img) https://evil.example/x www.evil.example',
    );
  });

  it('breaks issue references, GH- references and commit SHAs', () => {
    const out = escapeText('fixes #123, acme/app#7, GH-9, at 3f2a9c1b7e4d');
    expect(out).not.toMatch(/#\d/);
    expect(out).not.toMatch(/GH-\d/);
    expect(out).not.toMatch(/[0-9a-f]{7}/);
    expect(seen(out)).toBe('fixes #123, acme/app#7, GH-9, at 3f2a9c1b7e4d');
  });

  it('escapes emphasis, code, strikethrough, math and pipes', () => {
    const out = escapeText('**b** _e_ `c` ~~s~~ $x$ a|b \\');
    expect(out).toBe('\\*\\*b\\*\\* \\_e\\_ \\`c\\` \\~\\~s\\~\\~ \\$x\\$ a\\|b \\\\');
  });

  it('cannot start a heading, list, quote or rule', () => {
    expect(escapeText('# title')).toBe('\\# title');
    expect(escapeText('- item')).toBe('\\- item');
    expect(escapeText('+ item')).toBe('\\+ item');
    expect(escapeText('1. item')).toBe('1\\. item');
    expect(escapeText('2) item')).toBe('2\\) item');
    expect(escapeText('> quote')).toBe('&gt; quote');
    expect(escapeText('---')).toBe('\\---');
    expect(escapeText('===')).toBe('\\===');
  });

  it('collapses newlines and strips control and bidi characters', () => {
    expect(escapeText(' a\n\n# b\r\n\tc \u0000\u202Ed ')).toBe('a \\# b c d');
  });
});

describe('escapeCell', () => {
  it('keeps a cell to one line with pipes escaped', () => {
    expect(escapeCell('a | b\nc')).toBe('a \\| b c');
  });

  it('is never empty', () => {
    expect(escapeCell('\n')).toBe(' ');
  });
});

describe('codeSpan', () => {
  it('wraps text in backticks', () => {
    expect(codeSpan('pr-42-api')).toBe('`pr-42-api`');
  });

  it('uses a longer fence than any backtick run inside, padding when needed', () => {
    expect(codeSpan('a`b')).toBe('``a`b``');
    expect(codeSpan('a ``` b')).toBe('````a ``` b````');
    expect(codeSpan('`start')).toBe('`` `start ``');
    expect(codeSpan('end`')).toBe('`` end` ``');
  });

  it('keeps content literal and on one line', () => {
    expect(codeSpan('*x*\n[y](z)')).toBe('`*x* [y](z)`');
    expect(codeSpan('')).toBe('` `');
  });

  it('keeps raw tags and HTML comments out of the body', () => {
    const out = codeSpan('<!-- prenv:pr-1 --> <script>');
    expect(out).not.toContain('<!--');
    expect(out).not.toContain('<script');
    expect(out.replaceAll(BREAK, '')).toBe('`<!-- prenv:pr-1 --> <script>`');
  });
});

describe('unwrapCodeSpans', () => {
  it('gives back what codeSpan wrapped, backticks and spaces inside included', () => {
    for (const text of ['pr-42-api', 'a`b', 'a ``` b', '`start', 'end`', '`both`', 'x y', 'sqs:*']) {
      expect(unwrapCodeSpans(codeSpan(text)).replaceAll(BREAK, '')).toBe(text);
    }
    expect(unwrapCodeSpans(codeSpan(''))).toBe(' ');
  });

  it('unwraps every span of a line and leaves the text around them', () => {
    const line = `IAM statement added: Allow ${codeSpan('sqs:*')} on ${codeSpan('arn:`x`')} (**wildcard**)`;
    expect(unwrapCodeSpans(line)).toBe('IAM statement added: Allow sqs:* on arn:`x` (**wildcard**)');
  });

  it('leaves a lone backtick that opens no span', () => {
    expect(unwrapCodeSpans('a ` b')).toBe('a ` b');
  });
});

describe('codeCell', () => {
  it('escapes pipes the way GFM tables need, even inside code', () => {
    expect(codeCell('a|b')).toBe('`a\\|b`');
  });

  it('keeps a backslash before a pipe from eating the escape', () => {
    const out = codeCell('a\\|b');
    expect(out).toBe(`\`a\\${BREAK}\\|b\``);
  });
});

describe('firstLine', () => {
  it('returns the first non-blank line, trimmed', () => {
    expect(firstLine('\n\n  AssertionError: boom  \n    at x.ts:1')).toBe('AssertionError: boom');
    expect(firstLine('one\r\ntwo')).toBe('one');
    expect(firstLine('   ')).toBe('');
  });

  it('is fast on a megabyte without newlines', () => {
    const big = 'x'.repeat(1_000_000);
    expect(firstLine(big)).toHaveLength(1_000_000);
  });
});

describe('truncate', () => {
  it('keeps short text and cuts long text with an ellipsis', () => {
    expect(truncate('abc', 3)).toBe('abc');
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abcdef', 4)).toHaveLength(4);
  });

  it('never splits a surrogate pair', () => {
    expect(truncate('ab😀cd', 4)).toBe('ab…');
  });
});

describe('safeHref and link', () => {
  it('accepts http(s) URLs only', () => {
    expect(safeHref('https://example.com/a')).toBe('https://example.com/a');
    expect(safeHref('http://localhost:8080/x')).toBe('http://localhost:8080/x');
    expect(safeHref('javascript:alert(1)')).toBeUndefined();
    expect(safeHref('data:text/html,<script>')).toBeUndefined();
    expect(safeHref('not a url')).toBeUndefined();
    expect(safeHref(`https://example.com/${'a'.repeat(3000)}`)).toBeUndefined();
  });

  it('removes credentials', () => {
    expect(safeHref('https://user:secret@example.com/')).toBe('https://example.com/');
  });

  it('encodes what could end the link or start markup', () => {
    const href = safeHref(`https://example.com/a)b(c"d'e\`f|g?h=1&lt;i`) ?? '';
    expect(href).toBe('https://example.com/a%29b%28c%22d%27e%60f%7Cg?h=1&amp;lt;i');
    expect(href).not.toMatch(/[()"'`|<> ]/);
  });

  it('escapes link text', () => {
    expect(link('[x](y) @a', 'https://example.com')).toBe(`[\\[x\\](y) @${BREAK}a](https://example.com/)`);
    expect(link('x', 'javascript:alert(1)')).toBeUndefined();
  });

  it('shows a URL without its scheme as link text', () => {
    expect(urlLink('https://api.example.com/prod/')).toBe(
      '[api.example.com/prod/](https://api.example.com/prod/)',
    );
    expect(urlLink('ftp://example.com')).toBeUndefined();
  });
});

describe('escapeText, more block syntax', () => {
  it('cannot start an ordered list, however many digits', () => {
    expect(escapeText('12. item')).toBe('12\\. item');
    expect(escapeText('3) item')).toBe('3\\) item');
  });

  it('breaks a long hex run every six characters', () => {
    expect(escapeText('deadbeefcafe01')).toBe(['deadbe', 'efcafe', '01'].join(BREAK));
  });
});

describe('truncate and safeHref at their limits', () => {
  it('cuts to nothing, or to the ellipsis alone, below two characters', () => {
    expect(truncate('abc', 0)).toBe('');
    expect(truncate('abc', -1)).toBe('');
    expect(truncate('abc', 1)).toBe('…');
    expect(truncate('abc', 2)).toBe('a…');
    expect(truncate('abcde', 4)).toBe('abc…');
  });

  it('steps back over a high surrogate at either end of its range, and only over one', () => {
    expect(truncate('ab\uD800\uDC00cd', 4)).toBe('ab…');
    expect(truncate('ab\uDBFF\uDFFFcd', 4)).toBe('ab…');
    expect(truncate('ab\uDC00cd', 4)).toBe('ab\uDC00…');
    expect(truncate('ab\uE000cd', 4)).toBe('ab\uE000…');
  });

  it('links a URL of up to 2000 characters', () => {
    const base = 'https://example.com/';
    const at = (length: number) => `${base}${'a'.repeat(length - base.length)}`;
    expect(safeHref(at(2000))).toBe(at(2000));
    expect(safeHref(at(2001))).toBeUndefined();
  });
});

describe('safeHref, Unicode spaces', () => {
  it('links a URL wrapped in no-break spaces', () => {
    expect(safeHref('\u00A0https://example.com/a\u00A0')).toBe('https://example.com/a');
  });
});
