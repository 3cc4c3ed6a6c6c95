import type {
  Definition,
  List,
  ListItem,
  Nodes,
  PhrasingContent,
  Root,
  RootContent,
  Table,
  TableRow,
} from 'mdast';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { createHtmlStripper, type HtmlStripper } from './html-text';
import { lastCharacter } from './little-text';

/**
 * How text reaches the output: prose may hold hashtags; literal text (URLs, code) never does.
 * `before` is the last character already written on the line ('' at a line start).
 */
export interface TextWriter {
  prose(text: string, before: string): string;
  literal(text: string): string;
  /**
   * A link to a web or mail address, for outlets that carry links beside the text (Bluesky's
   * facets): `text` is the link's visible words (the address itself for a bare URL). Without
   * it, or when it returns undefined, a link is written `text (url)`.
   */
  link?(text: string, url: string): string | undefined;
  /** What stands in for an image; without it, its alt text. `line` is 1-based in `markdown`. */
  image?(image: { alt: string; url: string; line: number | undefined }): string;
}

const parser = unified().use(remarkParse).use(remarkGfm);

/**
 * Renders Markdown as plain text, one Markdown construct at a time:
 * headings and paragraphs become their text, blocks are separated by a blank line;
 * emphasis, strong, strikethrough → their text; inline code and code blocks → their text as is;
 * lists → `- ` / `1. ` lines (task items `☐ ` / `☑ `), nested ones indented under their parent;
 * blockquotes → lines prefixed `> ` (the `>` is escaped by the writer, LinkedIn shows it);
 * tables → one line per row, cells joined by ` | `; a thematic break → `———`;
 * links → `text (url)`, or just the url when the text is the url; images → what the writer puts in their place (their alt text by default);
 * raw HTML → its text (see html-text.ts). Soft line breaks stay line breaks: a post keeps the
 * author's line layout rather than reflowing it as a web page would.
 */
export function markdownToText(markdown: string, writer: TextWriter): string {
  const tree = parser.parse(markdown);
  return new Renderer(writer, definitionsOf(tree)).blocks(tree.children, '\n\n');
}

class Renderer {
  private readonly html: HtmlStripper = createHtmlStripper();

  constructor(
    private readonly writer: TextWriter,
    private readonly definitions: Map<string, string>,
  ) {}

  blocks(nodes: readonly RootContent[], separator: string): string {
    const rendered: string[] = [];
    for (const node of nodes) {
      if (this.html.dropping && node.type !== 'html') continue;
      const text = this.block(node);
      if (text !== '') rendered.push(text);
    }
    return rendered.join(separator);
  }

  private block(node: RootContent): string {
    switch (node.type) {
      case 'paragraph':
      case 'heading':
        return this.inline(node.children);
      case 'blockquote':
        return prefixLines(this.blocks(node.children, '\n\n'), {
          line: this.writer.literal('> '),
          empty: this.writer.literal('>'),
        });
      case 'list':
        return this.list(node);
      case 'code':
        return this.writer.literal(node.value);
      case 'html':
        return this.writer.prose(this.html.text(node.value).replace(/^\n+|\n+$/g, ''), '');
      case 'thematicBreak':
        return '———';
      case 'table':
        return this.table(node);
      case 'footnoteDefinition': {
        const label = this.writer.literal(`[${node.label ?? node.identifier}]`);
        return `${label} ${this.blocks(node.children, '\n')}`;
      }
      case 'definition':
      case 'yaml':
        return '';
      case 'listItem':
        return this.listItem(node, '- ');
      case 'tableRow':
        return this.tableRow(node);
      case 'tableCell':
        return this.inline(node.children);
      default:
        return this.inline([node]);
    }
  }

  private list(list: List): string {
    const start = list.start ?? 1;
    const items = list.children.map((item, index) =>
      this.listItem(item, list.ordered ? `${start + index}. ` : '- '),
    );
    return items.join(list.spread ? '\n\n' : '\n');
  }

  private listItem(item: ListItem, marker: string): string {
    const task = item.checked === true ? '☑ ' : item.checked === false ? '☐ ' : '';
    const content = this.blocks(item.children, item.spread ? '\n\n' : '\n');
    const first = this.writer.literal(marker) + task;
    return prefixLines(content, { first, line: ' '.repeat(marker.length), empty: '' });
  }

  private table(table: Table): string {
    return table.children.map((row) => this.tableRow(row)).join('\n');
  }

  private tableRow(row: TableRow): string {
    return row.children.map((cell) => this.inline(cell.children)).join(this.writer.literal(' | '));
  }

  private inline(nodes: readonly PhrasingContent[], before = ''): string {
    let out = '';
    let removed = false;
    for (const node of nodes) {
      if (this.html.dropping && node.type !== 'html') {
        removed = true;
        continue;
      }
      let text = this.phrasing(node, out === '' ? before : lastCharacter(out));
      // "a <b></b> c" and "a <script>…</script> c" leave "a  c": keep one of the two spaces.
      if (removed && out.endsWith(' ') && text.startsWith(' ')) text = text.slice(1);
      removed = (node.type === 'html' || node.type.startsWith('image')) && text === '';
      out += text;
    }
    return out;
  }

  private phrasing(node: PhrasingContent, before: string): string {
    switch (node.type) {
      case 'text':
        return this.writer.prose(node.value, before);
      case 'emphasis':
      case 'strong':
      case 'delete':
        return this.inline(node.children, before);
      case 'inlineCode':
        return this.writer.literal(node.value);
      case 'break':
        return '\n';
      case 'link':
        return this.link(node.children, node.url, before);
      case 'linkReference':
        return this.link(node.children, this.definitions.get(node.identifier) ?? '', before);
      case 'image':
        return this.image(node.alt ?? '', node.url, node.position?.start.line);
      case 'imageReference':
        return this.image(
          node.alt ?? '',
          this.definitions.get(node.identifier) ?? '',
          node.position?.start.line,
        );
      case 'footnoteReference':
        return this.writer.literal(`[${node.label ?? node.identifier}]`);
      case 'html':
        return this.writer.prose(this.html.text(node.value), before);
    }
  }

  private image(alt: string, url: string, line: number | undefined): string {
    return this.writer.image ? this.writer.image({ alt, url, line }) : this.writer.literal(alt);
  }

  private link(children: readonly PhrasingContent[], url: string, before: string): string {
    const text = plainText(children);
    // Only web and mail links are worth carrying into a post; `javascript:`, `data:` and the like
    // are dropped, keeping the link's words.
    if (url === '' || !isSafeLinkTarget(url)) return this.inline(children, before);
    const carried = this.writer.link?.(text === '' ? url : text, url);
    if (carried !== undefined) return carried;
    if (text === '' || text === url || text === url.replace(/^(?:https?:\/\/|mailto:)/i, '')) {
      // Autolinks and bare URLs: the URL once, and a `#fragment` in it is not a hashtag.
      return this.writer.literal(text === '' ? url : text);
    }
    return `${this.inline(children, before)} ${this.writer.literal(`(${url})`)}`;
  }
}

/** Prefixes every line (the first with `first`); empty ones with `empty`, so none ends in a space. */
function prefixLines(
  text: string,
  prefixes: { line: string; empty: string; first?: string },
): string {
  return text
    .split('\n')
    .map((line, index) => {
      const prefix = index === 0 ? (prefixes.first ?? prefixes.line) : prefixes.line;
      if (line !== '') return prefix + line;
      return index === 0 ? prefix.trimEnd() : prefixes.empty;
    })
    .join('\n');
}

function plainText(nodes: readonly Nodes[]): string {
  return nodes
    .map((node) => {
      if (node.type === 'text' || node.type === 'inlineCode') return node.value;
      if ('children' in node) return plainText(node.children);
      return '';
    })
    .join('');
}

function definitionsOf(tree: Root): Map<string, string> {
  const found = new Map<string, string>();
  const visit = (nodes: readonly Nodes[]) => {
    for (const node of nodes) {
      if (node.type === 'definition') {
        const definition: Definition = node;
        if (!found.has(definition.identifier)) found.set(definition.identifier, definition.url);
      } else if ('children' in node) {
        visit(node.children);
      }
    }
  };
  visit(tree.children);
  return found;
}

/** Absolute http(s) or mailto URLs, bare `www.` hosts, and relative paths; no other scheme. */
function isSafeLinkTarget(url: string): boolean {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url.trim())?.[1]?.toLowerCase();
  return scheme === undefined || scheme === 'http' || scheme === 'https' || scheme === 'mailto';
}
