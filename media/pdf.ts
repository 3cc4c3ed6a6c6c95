import { inflateSync } from 'node:zlib';

// A PDF's page count is the `/Count` of its root page-tree node (`/Type /Pages`), the largest
// count of any page-tree node. Older PDFs keep that dictionary in plain text; newer ones often
// keep it compressed in an object stream (`/Type /ObjStm`, FlateDecode). Both are read here
// with bounded work; anything else (encrypted or damaged files) gives no count rather than a
// guess, and LinkedIn has the last word when it processes the document.

const PAGES_TYPE = /\/Type\s*\/Pages(?![A-Za-z])/g;
const COUNT = /\/Count\s+(\d{1,9})(?!\d)/;
const OBJECT_STREAM = /\/Type\s*\/ObjStm(?![A-Za-z])/g;
/** Page-tree nodes looked at; a real tree has a handful, a hostile file may have millions. */
const MAX_NODES = 10_000;
/** Bytes a dictionary may span around its `/Type /Pages`. */
const DICT_WINDOW = 4096;
const MAX_OBJECT_STREAMS = 2_000;
/** Total bytes inflated from object streams. */
const MAX_INFLATED_BYTES = 64 * 1024 * 1024;

export function isPdf(bytes: Uint8Array): boolean {
  // The header may follow a little junk (PDF 1.7, §7.5.2: within the first 1024 bytes).
  return latin1(bytes.subarray(0, 1024)).includes('%PDF-');
}

/** The document's page count, or undefined when it cannot be read cheaply. */
export function pdfPageCount(bytes: Uint8Array): number | undefined {
  const text = latin1(bytes);
  let best = largestPageCount(text);
  let streams = 0;
  let inflated = 0;
  OBJECT_STREAM.lastIndex = 0;
  for (let match = OBJECT_STREAM.exec(text); match; match = OBJECT_STREAM.exec(text)) {
    if (++streams > MAX_OBJECT_STREAMS || inflated >= MAX_INFLATED_BYTES) break;
    const stream = streamAfter(text, match.index);
    if (!stream) continue;
    // No `endstream` anywhere after it: no later stream can be read either.
    if (stream.end < 0) break;
    // Streams never overlap: the next one starts after this one's `endstream`.
    OBJECT_STREAM.lastIndex = stream.end;
    const data = bytes.subarray(stream.start, stream.end);
    try {
      const plain = inflateSync(data, { maxOutputLength: MAX_INFLATED_BYTES - inflated });
      inflated += plain.length;
      const count = largestPageCount(latin1(plain));
      if (count !== undefined && (best === undefined || count > best)) best = count;
    } catch {
      // Not FlateDecode, encrypted, damaged or too large: this stream tells us nothing.
    }
  }
  return best !== undefined && best > 0 ? best : undefined;
}

function largestPageCount(text: string): number | undefined {
  let best: number | undefined;
  let nodes = 0;
  PAGES_TYPE.lastIndex = 0;
  for (let match = PAGES_TYPE.exec(text); match; match = PAGES_TYPE.exec(text)) {
    if (++nodes > MAX_NODES) break;
    const dict = enclosingDictionary(text, match.index);
    const count = dict === undefined ? undefined : COUNT.exec(dict)?.[1];
    if (count !== undefined && (best === undefined || Number(count) > best)) best = Number(count);
  }
  return best;
}

/** The `<< … >>` around `at`, matched by nesting depth within a bounded window. */
function enclosingDictionary(text: string, at: number): string | undefined {
  let depth = 0;
  let start = -1;
  for (let i = at; i >= Math.max(0, at - DICT_WINDOW); i--) {
    if (text.startsWith('>>', i)) depth++;
    else if (text.startsWith('<<', i)) {
      if (depth === 0) {
        start = i;
        break;
      }
      depth--;
    }
  }
  if (start < 0) return undefined;
  depth = 0;
  const limit = Math.min(text.length, start + 2 * DICT_WINDOW);
  for (let i = start; i < limit - 1; i++) {
    if (text.startsWith('<<', i)) {
      depth++;
      i++;
    } else if (text.startsWith('>>', i)) {
      depth--;
      i++;
      if (depth === 0) return text.slice(start, i + 1);
    }
  }
  return undefined;
}

/** Where the data between `stream` and `endstream` lies (`end` -1: never ended). */
function streamAfter(text: string, at: number): { start: number; end: number } | undefined {
  const keyword = text.slice(at, at + DICT_WINDOW).indexOf('stream');
  if (keyword < 0) return undefined;
  let start = at + keyword + 'stream'.length;
  if (text[start] === '\r') start++;
  if (text[start] === '\n') start++;
  return { start, end: text.indexOf('endstream', start) };
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}
