/** LinkedIn text may land in Temporal history and logs, so it is kept short. */
export const MAX_SNIPPET_CHARS = 300;

const SECRET_PATTERNS: [RegExp, string][] = [
  [/(bearer\s+)[^\s"',;]+/gi, '$1[REDACTED]'],
  [
    /((?:access_token|refresh_token|id_token|client_secret|oauth2_access_token)"?\s*[=:]\s*"?)[^\s"&,;]+/gi,
    '$1[REDACTED]',
  ],
  // LinkedIn tokens are long opaque base64url strings; nothing else in an error is that long.
  [/[A-Za-z0-9_-]{40,}/g, '[REDACTED]'],
];

/** Redacts anything that looks like a token, then truncates to {@link MAX_SNIPPET_CHARS}. */
export function sanitizeSnippet(text: string): string {
  const redacted = SECRET_PATTERNS.reduce(
    (current, [pattern, replacement]) => current.replace(pattern, replacement),
    text,
  );
  return redacted.length > MAX_SNIPPET_CHARS
    ? `${redacted.slice(0, MAX_SNIPPET_CHARS - 1)}…`
    : redacted;
}
