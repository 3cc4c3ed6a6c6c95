/** Longest title kept for the queue and the item page. */
const MAX_TITLE_CHARS = 120;

/**
 * A one-line title from the text a post will carry: its first non-empty line, read back from
 * LinkedIn little text (escapes removed, hashtag elements as `#tag`), without list or quote
 * markers. So `**Q4 report**` is titled `Q4 report`, as the post shows it.
 */
export function titleFromText(encoded: string): string {
  for (const raw of firstLines(encoded)) {
    const line = decodeLittleText(raw)
      .replace(/^(?:[>\s]|[-•]\s|\d+\.\s|[☐☑]\s)+/u, '')
      .trim();
    if (line !== '') {
      return line.length > MAX_TITLE_CHARS ? `${line.slice(0, MAX_TITLE_CHARS - 1)}…` : line;
    }
  }
  return '';
}

/** Lines up to the first non-blank one; a post has a few thousand characters at most. */
function* firstLines(text: string): Generator<string> {
  let start = 0;
  while (start <= text.length) {
    const end = text.indexOf('\n', start);
    yield text.slice(start, end < 0 ? text.length : end);
    if (end < 0) return;
    start = end + 1;
  }
}

function decodeLittleText(encoded: string): string {
  return encoded
    .replace(/\{hashtag\|\\?[#＃]\|([^}]*)\}/g, '#$1')
    .replace(/@\[((?:\\.|[^\]\\])*)\]\(urn:li:[a-zA-Z]+:[^)]+\)/g, '$1')
    .replace(/\\(.)/gu, '$1');
}
