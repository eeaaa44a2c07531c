/**
 * 1Claw's secret-path globs (DOCS scoped-permissions): `*` matches within one segment (a lone `*`
 * is exactly one whole segment), `**` as a whole segment matches zero or more segments. Used to
 * show which grant covers a path; 1Claw itself decides access.
 */

const MAX_SEGMENTS = 64;

function segmentMatches(pattern: string, segment: string): boolean {
  if (pattern === '*') return segment.length > 0;
  if (!pattern.includes('*')) return pattern === segment;
  const parts = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('[^/]*')}$`).test(segment);
}

/** Whether `path` matches `pattern`; memoised, so `**` chains stay bounded. Overlong inputs never match. */
export function matchPathGlob(pattern: string, path: string): boolean {
  const p = pattern.split('/');
  const s = path.split('/');
  if (p.length > MAX_SEGMENTS || s.length > MAX_SEGMENTS) return false;
  const memo = new Map<number, boolean>();
  const go = (pi: number, si: number): boolean => {
    const key = pi * (s.length + 1) + si;
    const known = memo.get(key);
    if (known !== undefined) return known;
    const part = p[pi];
    let result: boolean;
    if (part === undefined) result = si === s.length;
    else if (part === '**') result = go(pi + 1, si) || (si < s.length && go(pi, si + 1));
    else result = si < s.length && segmentMatches(part, s[si]!) && go(pi + 1, si + 1);
    memo.set(key, result);
    return result;
  };
  return go(0, 0);
}

/** Higher is narrower: literal segments count most, `*` some, `**` none. Picks the grant to name. */
export function specificity(pattern: string): number {
  return pattern.split('/').reduce((score, part) => score + (part === '**' ? 0 : part.includes('*') ? 1 : 3), 0);
}
