// Segment globs, shared by policy patterns, token scopes and fault routes.
// `**` as a whole segment matches zero or more segments; `*` matches within
// one segment (a lone `*` is exactly one whole segment).

function segmentMatches(pattern: string, segment: string): boolean {
  if (pattern === '*') return segment.length > 0;
  if (!pattern.includes('*')) return pattern === segment;
  const escaped = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('[^/]*')}$`).test(segment);
}

/** Matches segment arrays; memoised so `**` chains stay linear-ish and bounded. */
export function matchSegments(pattern: readonly string[], subject: readonly string[]): boolean {
  const memo = new Map<number, boolean>();
  const go = (pi: number, si: number): boolean => {
    const key = pi * (subject.length + 1) + si;
    const cached = memo.get(key);
    if (cached !== undefined) return cached;
    let result: boolean;
    const p = pattern[pi];
    if (p === undefined) {
      result = si === subject.length;
    } else if (p === '**') {
      result = go(pi + 1, si) || (si < subject.length && go(pi, si + 1));
    } else {
      const s = subject[si];
      result = s !== undefined && segmentMatches(p, s) && go(pi + 1, si + 1);
    }
    memo.set(key, result);
    return result;
  };
  return go(0, 0);
}

/** Secret-path glob: "db/*" / "**" / "config/**". */
export function matchPathGlob(pattern: string, path: string): boolean {
  return matchSegments(pattern.split('/'), path.split('/'));
}

/** Fault route: "METHOD /path/template" against a method and a raw pathname. */
export function matchRoute(route: string, method: string, pathname: string): boolean {
  const space = route.indexOf(' ');
  const routeMethod = space < 0 ? '*' : route.slice(0, space).trim();
  const routePath = space < 0 ? route.trim() : route.slice(space + 1).trim();
  if (routeMethod !== '*' && routeMethod.toUpperCase() !== method.toUpperCase()) return false;
  return matchSegments(routePath.replace(/^\//, '').split('/'), pathname.replace(/^\//, '').split('/'));
}
