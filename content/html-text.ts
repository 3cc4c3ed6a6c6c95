import { decode } from 'html-entities';

// Elements whose content is never text a reader should see.
const DROPPED_ELEMENTS = new Set(['script', 'style', 'noscript', 'template', 'iframe', 'object']);
// Elements that start a new line where a browser would.
const LINE_ELEMENTS = new Set(
  'br p div li tr h1 h2 h3 h4 h5 h6 blockquote pre hr ul ol table section article'.split(' '),
);

export interface HtmlStripper {
  /** Text of an HTML fragment: tags and comments removed, entities decoded. */
  text(html: string): string;
  /**
   * True while inside a `<script>`-like element opened by an earlier fragment; Markdown splits
   * inline HTML into one node per tag, so the text between belongs to the dropped element.
   */
  readonly dropping: boolean;
}

/** A small tag scanner, not a full HTML parser: it only has to find what to throw away. */
export function createHtmlStripper(): HtmlStripper {
  let droppedElement: string | undefined;

  function text(html: string): string {
    let out = '';
    let index = 0;
    while (index < html.length) {
      if (droppedElement !== undefined) {
        const closingTag = new RegExp(`</${droppedElement}`, 'gi');
        closingTag.lastIndex = index;
        const close = closingTag.exec(html);
        if (close === null) return tidy(out);
        droppedElement = undefined;
        index = close.index;
      }
      const open = html.indexOf('<', index);
      if (open === -1) {
        out += textPiece(html.slice(index));
        break;
      }
      out += textPiece(html.slice(index, open));
      const construct = readConstruct(html, open);
      if (construct === undefined) {
        out += '<';
        index = open + 1;
        continue;
      }
      index = construct.end;
      if (construct.name === undefined) continue;
      if (LINE_ELEMENTS.has(construct.name)) out += '\n';
      if (!construct.closing && !construct.selfClosing && DROPPED_ELEMENTS.has(construct.name)) {
        droppedElement = construct.name;
      }
    }
    return tidy(out);
  }

  return {
    text,
    get dropping() {
      return droppedElement !== undefined;
    },
  };
}

type Construct = { end: number; name?: string; closing?: boolean; selfClosing?: boolean };

/** Reads a tag, comment, CDATA section, declaration or processing instruction at `open`. */
function readConstruct(html: string, open: number): Construct | undefined {
  const rest = html.slice(open, open + 9);
  if (rest.startsWith('<!--')) return { end: endAfter(html, '-->', open + 4) };
  if (rest.startsWith('<![CDATA[')) return { end: endAfter(html, ']]>', open + 9) };
  if (rest.startsWith('<!') || rest.startsWith('<?')) return { end: endAfter(html, '>', open + 2) };
  const tag = /^<(\/?)([A-Za-z][A-Za-z0-9-]*)/.exec(html.slice(open, open + 64));
  if (tag === null) return undefined;
  const end = endOfTag(html, open + tag[0].length);
  const closing = tag[1] === '/';
  return { end, name: (tag[2] ?? '').toLowerCase(), closing, selfClosing: html[end - 2] === '/' };
}

/** Index after the tag's `>`, skipping quoted attribute values (which may contain `>`). */
function endOfTag(html: string, from: number): number {
  let quote: string | undefined;
  for (let index = from; index < html.length; index++) {
    const char = html[index];
    if (quote !== undefined) {
      if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") {
      quote = char;
    } else if (char === '>') {
      return index + 1;
    }
  }
  return html.length;
}

function endAfter(html: string, terminator: string, from: number): number {
  const found = html.indexOf(terminator, from);
  return found === -1 ? html.length : found + terminator.length;
}

// Whitespace in HTML source is layout, not content: runs collapse to one space, as a browser shows it.
function textPiece(raw: string): string {
  return decode(raw.replace(/[ \t\n\f]+/g, ' '), { level: 'html5' });
}

function tidy(text: string): string {
  return text.replace(/ *\n */g, '\n').replace(/^ +| +$/g, '');
}
