/**
 * Small edits of CloudFormation's query-protocol XML (as moto writes it: compact, one element per
 * field) for the realism switches: the top-level members of a list, and fields within one.
 */

/** A top-level `<member>` of a list, with where it sits in the document. */
interface Member {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** The top-level members of `<list>…</list>` (nested members, e.g. Tags, stay inside theirs). */
export function members(xml: string, list: string): Member[] {
  const open = xml.indexOf(`<${list}>`);
  if (open === -1) return [];
  const close = xml.indexOf(`</${list}>`, open);
  const found: Member[] = [];
  const tag = /<(\/?)member>/g;
  tag.lastIndex = open;
  let depth = 0;
  let start = -1;
  for (let m = tag.exec(xml); m !== null && m.index < close; m = tag.exec(xml)) {
    if (m[1] === '') {
      if (depth === 0) start = m.index;
      depth++;
    } else {
      depth--;
      if (depth === 0) {
        const end = m.index + m[0].length;
        found.push({ start, end, text: xml.slice(start, end) });
      }
    }
  }
  return found;
}

/** Rewrites each top-level member of the list. */
export function mapMembers(xml: string, list: string, fn: (member: string) => string): string {
  let out = xml;
  for (const member of members(xml, list).reverse()) {
    out = out.slice(0, member.start) + fn(member.text) + out.slice(member.end);
  }
  return out;
}

/** Puts members first in the list (e.g. newer stack events). */
export function prependMembers(xml: string, list: string, added: readonly string[]): string {
  if (added.length === 0) return xml;
  const empty = `<${list}/>`;
  if (xml.includes(empty)) return xml.replace(empty, `<${list}>${added.join('')}</${list}>`);
  return xml.replace(`<${list}>`, `<${list}>${added.join('')}`);
}

/** The text of the member's first `<tag>` outside its nested lists, or undefined. */
export function field(member: string, tag: string): string | undefined {
  const inner = member.slice('<member>'.length, -'</member>'.length);
  const top = stripNested(inner);
  return new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(top)?.[1];
}

/** Sets (or adds) a simple field of the member. */
export function setField(member: string, tag: string, value: string): string {
  const pattern = new RegExp(`<${tag}>[^<]*</${tag}>|<${tag}/>`);
  const element = `<${tag}>${value}</${tag}>`;
  if (pattern.test(member)) return member.replace(pattern, element);
  return member.replace(/<\/member>$/, `${element}</member>`);
}

/** Replaces (or adds) the member's Tags list. */
export function setTags(member: string, tags: readonly (readonly [string, string])[]): string {
  const list =
    tags.length === 0
      ? '<Tags/>'
      : `<Tags>${tags.map(([key, value]) => `<member><Key>${key}</Key><Value>${value}</Value></member>`).join('')}</Tags>`;
  const pattern = /<Tags>[\s\S]*?<\/Tags>|<Tags\/>/;
  if (pattern.test(member)) return member.replace(pattern, list);
  return member.replace(/<\/member>$/, `${list}</member>`);
}

/** The member's tags, as (already escaped) key/value pairs. */
export function tagsOf(member: string): [string, string][] {
  const list = /<Tags>([\s\S]*?)<\/Tags>/.exec(member)?.[1] ?? '';
  return [...list.matchAll(/<member><Key>([^<]*)<\/Key><Value>([^<]*)<\/Value><\/member>/g)].map(
    (m) => [m[1] ?? '', m[2] ?? ''] as [string, string],
  );
}

function stripNested(inner: string): string {
  // Remove every <X>…<member>…</member>…</X> list so only top-level fields remain.
  let out = inner;
  for (;;) {
    const next = out.replace(/<member>(?:(?!<member>)[\s\S])*?<\/member>/g, '');
    if (next === out) return out;
    out = next;
  }
}
