/**
 * The paths the app serves and the methods each answers, collected as routes are registered, so
 * that a known path asked with another method answers 405 with `Allow` instead of 404.
 */
export class RouteTable {
  private readonly paths = new Map<string, { pattern: RegExp; methods: Set<string> }>();

  add(methods: string | string[], url: string): void {
    const entry = this.paths.get(url) ?? { pattern: patternOf(url), methods: new Set<string>() };
    for (const m of Array.isArray(methods) ? methods : [methods]) entry.methods.add(m);
    this.paths.set(url, entry);
  }

  /** Methods some route answers for this concrete path, sorted; empty for an unknown path. */
  methodsFor(path: string): string[] {
    const methods = new Set<string>();
    for (const { pattern, methods: ms } of this.paths.values()) {
      if (pattern.test(path)) for (const m of ms) methods.add(m);
    }
    return [...methods].sort();
  }

  /** Every registered route as `METHOD /path`. */
  routes(): string[] {
    return [...this.paths].flatMap(([url, { methods }]) => [...methods].map((m) => `${m} ${url}`));
  }
}

/** `/v1/content/:id/audit` → /^\/v1\/content\/[^/]+\/audit$/; a trailing `*` matches the rest. */
function patternOf(url: string): RegExp {
  const source = url
    .split('/')
    .map((segment) => {
      if (segment.startsWith(':')) return '[^/]+';
      if (segment === '*') return '.*';
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return new RegExp(`^${source}$`);
}
