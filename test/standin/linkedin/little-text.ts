const RESERVED = new Set([
  '\\',
  '|',
  '{',
  '}',
  '@',
  '[',
  ']',
  '(',
  ')',
  '<',
  '>',
  '#',
  '*',
  '_',
  '~',
]);

/** Elements that may start with a reserved character: mentions and both hashtag forms. */
const ELEMENTS = [
  /^@\[[^\]]+\]\(urn:li:(?:person|organization):[^)\s]+\)/u,
  /^\{hashtag\|\\?[#＃]\|[\p{L}\p{N}]+\}/u,
  /^#[\p{L}\p{N}]+/u,
];

/** Reads return `{hashtag|\#|word}` whichever form was sent. */
export function normalizeHashtags(text: string): string {
  return text.replace(/\{hashtag\|\\?[#＃]\|/gu, '{hashtag|\\#|');
}

/** LinkedIn's undocumented behaviour: text ends silently at the first stray reserved character. */
export function cutAtUnescapedReserved(text: string): string {
  let index = 0;
  while (index < text.length) {
    const char = text[index] ?? '';
    if (char === '\\' && RESERVED.has(text[index + 1] ?? '')) {
      index += 2;
    } else if (!RESERVED.has(char)) {
      index += 1;
    } else {
      const rest = text.slice(index);
      const element = ELEMENTS.map((pattern) => pattern.exec(rest)?.[0]).find(Boolean);
      if (!element) return text.slice(0, index);
      index += element.length;
    }
  }
  return text;
}
