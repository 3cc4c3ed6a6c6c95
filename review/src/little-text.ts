// Reads LinkedIn "little text" (what Stargue sends as a post's commentary) into the pieces
// LinkedIn shows: plain text with its line breaks, hashtags and mentions as links, and web
// addresses as links. Pure, so the browser tests can use it too.

export type Piece =
  | { kind: 'text'; text: string }
  | { kind: 'hashtag'; tag: string }
  | { kind: 'mention'; name: string; urn: string }
  | { kind: 'link'; url: string };

const HASHTAG = /^\{hashtag\|\\?#\|([^}]*)\}/;
const MENTION = /^@\[((?:\\.|[^\]\\])*)\]\((urn:li:[a-zA-Z]+:[^)]+)\)/;
const URL_PATTERN = /https?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]'’]/g;

export function parseLittleText(encoded: string): Piece[] {
  const pieces: Piece[] = [];
  let text = '';
  const flush = () => {
    if (text) pieces.push(...linkify(text));
    text = '';
  };
  let i = 0;
  while (i < encoded.length) {
    const ch = encoded[i] as string;
    if (ch === '\\' && i + 1 < encoded.length) {
      text += encoded[i + 1];
      i += 2;
      continue;
    }
    if (ch === '{') {
      const tag = HASHTAG.exec(encoded.slice(i));
      if (tag) {
        flush();
        pieces.push({ kind: 'hashtag', tag: tag[1] ?? '' });
        i += tag[0].length;
        continue;
      }
    }
    if (ch === '@') {
      const mention = MENTION.exec(encoded.slice(i));
      if (mention) {
        flush();
        pieces.push({
          kind: 'mention',
          name: (mention[1] ?? '').replace(/\\(.)/g, '$1'),
          urn: mention[2] ?? '',
        });
        i += mention[0].length;
        continue;
      }
    }
    text += ch;
    i += 1;
  }
  flush();
  return pieces;
}

function linkify(text: string): Piece[] {
  const pieces: Piece[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    if (match.index > last) pieces.push({ kind: 'text', text: text.slice(last, match.index) });
    pieces.push({ kind: 'link', url: match[0] });
    last = match.index + match[0].length;
  }
  if (last < text.length) pieces.push({ kind: 'text', text: text.slice(last) });
  return pieces;
}

/** The text a reader sees, without any markup. */
export function visibleText(encoded: string): string {
  return parseLittleText(encoded)
    .map((p) =>
      p.kind === 'text'
        ? p.text
        : p.kind === 'hashtag'
          ? `#${p.tag}`
          : p.kind === 'mention'
            ? p.name
            : p.url,
    )
    .join('');
}

export function hashtagUrl(tag: string): string {
  return `https://www.linkedin.com/feed/hashtag/?keywords=${encodeURIComponent(tag)}`;
}

export function mentionUrl(urn: string): string {
  const org = /^urn:li:organization:(\d+)$/.exec(urn);
  return org
    ? `https://www.linkedin.com/company/${org[1]}/`
    : `https://www.linkedin.com/search/results/all/?keywords=${encodeURIComponent(urn)}`;
}
