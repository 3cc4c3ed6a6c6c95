import { isAlias, isCollection, isMap, isPair, isScalar, parseDocument, type Scalar } from 'yaml';
import type { ContentIssueCode } from '../contracts/content';
import type { Issue } from '../contracts/issues';
import { positionsIn, printable, utf8Length } from './text-checks';

/** Largest frontmatter accepted, in UTF-8 bytes; real frontmatter is a few hundred bytes. */
export const MAX_FRONTMATTER_BYTES = 16 * 1024;
// The schema needs two levels (mapping → list of outlets); a little slack gives clearer errors.
const MAX_DEPTH = 4;
// Flow brackets are counted before parsing because the YAML parser recurses once per level.
const MAX_BRACKET_DEPTH = 16;
// Line breaks and YAML punctuation, counted before parsing: the YAML parser checks each new key
// against every key before it (1,500 keys take ~50 ms) and builds a costly error object per
// problem (16 KB of `]` takes ~150 ms), while real frontmatter has a few dozen of them.
const MAX_PUNCTUATION = 200;
const PUNCTUATION = /[\n,[\]{}"'&*!?|>:]|-(?=[ \t\n]|$)/g;
// Errors after which the parsed document still reflects what the author wrote, so the schema
// can run too and every problem is reported at once.
const RECOVERABLE_ERRORS = new Set(['DUPLICATE_KEY', 'TAB_AS_INDENT']);

export type YamlResult =
  | { ok: true; data: Record<string, unknown>; issues: Issue[]; locate: Locator }
  | { ok: false; issues: Issue[] };

/** Where a value, or a top-level key itself (`'key'`), sits in the document. */
export type Locator = (
  path: readonly PropertyKey[],
  target: 'key' | 'value',
) => { line: number; column: number } | undefined;

/**
 * Parses frontmatter with the YAML 1.2 core schema (no timestamps, no `!!js/*`, no merge keys)
 * and refuses anchors, aliases and tags outright: nothing is expanded, nothing is evaluated.
 * `ok: true` may still carry issues (duplicate keys, tab indentation) found alongside the data.
 */
export function parseFrontmatterYaml(source: string): YamlResult {
  // Offsets are document positions because the source starts at the end of the `---` line.
  const positionAt = positionsIn(source);
  const toIssue = ({ code, message, offset }: Finding): Issue => ({
    path: 'frontmatter',
    code,
    message,
    ...(offset === undefined ? {} : positionAt(offset)),
  });
  const size = utf8Length(source);
  if (size > MAX_FRONTMATTER_BYTES) {
    const message = `The frontmatter is ${size} bytes; the limit is ${MAX_FRONTMATTER_BYTES}.`;
    return { ok: false, issues: [toIssue({ code: 'FRONTMATTER_TOO_LARGE', message, offset: 0 })] };
  }
  const tooDeepAt = bracketDepthExceeded(source);
  if (tooDeepAt !== undefined) return { ok: false, issues: [toIssue(tooDeep(tooDeepAt))] };
  const punctuation = source.match(PUNCTUATION)?.length ?? 0;
  if (punctuation > MAX_PUNCTUATION) {
    const message = `The frontmatter has ${punctuation} line breaks and YAML punctuation marks (: , - [ ] { } quotes and others); the limit is ${MAX_PUNCTUATION}.`;
    return { ok: false, issues: [toIssue({ code: 'FRONTMATTER_TOO_LARGE', message, offset: 0 })] };
  }

  const doc = parseDocument(source, {
    version: '1.2',
    schema: 'core',
    merge: false,
    uniqueKeys: true,
    strict: true,
    prettyErrors: false,
  });
  const keys = topLevelKeys(doc.contents);
  const issues = doc.errors.map((error) => {
    const offset = error.pos[0];
    if (error.code === 'DUPLICATE_KEY') {
      const node = keys.byOffset.get(offset);
      const key = node === undefined ? '' : printable(String(node.value));
      const message = `Duplicate key "${key}": each key may appear only once.`;
      return { ...toIssue({ code: 'YAML_DUPLICATE_KEY', message, offset }), path: key };
    }
    return toIssue({ code: yamlErrorCode(error.code), message: `YAML: ${error.message}.`, offset });
  });
  if (doc.errors.some((error) => !RECOVERABLE_ERRORS.has(error.code))) {
    return { ok: false, issues };
  }
  const findings = inspect(doc.contents, 0);
  if (doc.contents !== null && !isMap(doc.contents)) {
    findings.push({
      code: 'FRONTMATTER_NOT_A_MAPPING',
      message: 'The frontmatter must be a mapping of keys to values ("key: value" lines).',
      offset: doc.contents.range[0],
    });
  }
  if (findings.length > 0) return { ok: false, issues: [...issues, ...findings.map(toIssue)] };

  // yaml's toJS defines `__proto__` as an own property, so such a key is reported as unknown
  // instead of replacing the prototype. maxAliasCount 0: aliases were refused above anyway.
  const data: unknown = doc.contents === null ? {} : doc.toJS({ maxAliasCount: 0 });
  const locate: Locator = (path, target) => {
    const node = target === 'key' ? keys.byName.get(String(path[0])) : doc.getIn(path, true);
    const offset = offsetOf(node);
    return offset === undefined ? undefined : positionAt(offset);
  };
  return { ok: true, data: data as Record<string, unknown>, issues, locate };
}

type Finding = { code: ContentIssueCode; message: string; offset: number | undefined };

/** Walks the parsed nodes, depth-limited, collecting anchors, aliases, tags and complex keys. */
function inspect(node: unknown, depth: number): Finding[] {
  if (node === null || node === undefined) return [];
  if (isPair(node)) {
    const keyFindings = isScalar(node.key)
      ? inspect(node.key, depth)
      : [
          {
            code: 'YAML_COMPLEX_KEY' as const,
            message: 'Keys must be plain names, not lists, mappings or "?" entries.',
            offset: offsetOf(node.key),
          },
        ];
    return [...keyFindings, ...inspect(node.value, depth)];
  }
  if (isAlias(node)) {
    return [
      {
        code: 'YAML_ALIAS',
        message: aliasMessage(`alias *${node.source}`),
        offset: offsetOf(node),
      },
    ];
  }
  if (!isScalar(node) && !isCollection(node)) return [];
  const findings: Finding[] = [];
  if (node.anchor !== undefined) {
    findings.push({
      code: 'YAML_ALIAS',
      message: aliasMessage(`anchor &${node.anchor}`),
      offset: offsetOf(node),
    });
  }
  if (node.tag !== undefined) {
    findings.push({
      code: 'YAML_TAG',
      message: `YAML tags such as "${shortTag(node.tag)}" are not allowed; write plain values.`,
      offset: offsetOf(node),
    });
  }
  if (isCollection(node)) {
    if (depth >= MAX_DEPTH) {
      return [...findings, tooDeep(offsetOf(node))];
    }
    for (const item of node.items) findings.push(...inspect(item, depth + 1));
  }
  return findings;
}

function aliasMessage(what: string): string {
  return `YAML anchors and aliases are not allowed (found ${what}); write each value out.`;
}

function shortTag(tag: string): string {
  return tag.replace(/^tag:yaml\.org,2002:/, '!!');
}

function offsetOf(node: unknown): number | undefined {
  return (node as { range?: [number, number, number] } | null)?.range?.[0];
}

function tooDeep(offset: number | undefined): Finding {
  return {
    code: 'FRONTMATTER_TOO_DEEP',
    message: 'The frontmatter is nested too deeply; it only needs plain values and one list.',
    offset,
  };
}

/** Offset where `[`/`{` nesting first exceeds the limit (quotes ignored: over-counting is safe). */
function bracketDepthExceeded(source: string): number | undefined {
  let depth = 0;
  for (let index = 0; index < source.length; index++) {
    const char = source[index];
    if (char === '[' || char === '{') depth++;
    else if ((char === ']' || char === '}') && depth > 0) depth--;
    if (depth > MAX_BRACKET_DEPTH) return index;
  }
  return undefined;
}

function yamlErrorCode(code: string): ContentIssueCode {
  return code === 'TAB_AS_INDENT' ? 'YAML_TAB_INDENT' : 'YAML_SYNTAX';
}

/** The top-level keys by offset and by name (first occurrence), so each lookup is O(1). */
function topLevelKeys(contents: unknown): {
  byOffset: Map<number, Scalar>;
  byName: Map<string, Scalar>;
} {
  const byOffset = new Map<number, Scalar>();
  const byName = new Map<string, Scalar>();
  if (!isMap(contents)) return { byOffset, byName };
  for (const { key } of contents.items) {
    if (!isScalar(key)) continue;
    const offset = offsetOf(key);
    if (offset !== undefined) byOffset.set(offset, key);
    if (!byName.has(String(key.value))) byName.set(String(key.value), key);
  }
  return { byOffset, byName };
}
