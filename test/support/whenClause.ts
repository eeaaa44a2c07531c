/**
 * Evaluates the subset of VS Code `when` clauses the manifest uses (`!`, `&&`, `||`, `==`, `!=`,
 * `=~ /re/`, parentheses, bare keys) against recorded context values, so a test can ask "would
 * this palette entry or welcome view show in this state?" the way the workbench decides it.
 */
export type ContextValues = ReadonlyMap<string, unknown> | Readonly<Record<string, unknown>>;

export function evaluateWhen(clause: string | undefined, context: ContextValues): boolean {
  if (clause === undefined || clause.trim() === '') return true;
  const get = (key: string): unknown => (context instanceof Map ? context.get(key) : (context as Record<string, unknown>)[key]);
  const tokens = clause.match(/\(|\)|&&|\|\||!=|==|=~|!|\/(?:\\.|[^/])*\/[a-z]*|[^\s()!&|=]+/g) ?? [];
  let at = 0;
  const peek = () => tokens[at];
  const next = () => tokens[at++];

  const literal = (token: string | undefined): unknown => {
    if (token === 'true') return true;
    if (token === 'false') return false;
    if (token !== undefined && /^-?\d+(\.\d+)?$/.test(token)) return Number(token);
    return token?.replace(/^'(.*)'$/, '$1');
  };
  const primary = (): boolean => {
    const token = next();
    if (token === '(') {
      const value = or();
      if (next() !== ')') throw new Error(`unbalanced parentheses in "${clause}"`);
      return value;
    }
    if (token === '!') return !primary();
    if (token === undefined) throw new Error(`unexpected end of "${clause}"`);
    if (token === 'true' || token === 'false') return token === 'true';
    const op = peek();
    if (op === '==' || op === '!=') {
      next();
      const equal = String(get(token)) === String(literal(next()));
      return op === '==' ? equal : !equal;
    }
    if (op === '=~') {
      next();
      const re = /^\/(.*)\/([a-z]*)$/.exec(next() ?? '');
      if (!re) throw new Error(`bad regex in "${clause}"`);
      return new RegExp(re[1]!, re[2]).test(String(get(token) ?? ''));
    }
    return Boolean(get(token));
  };
  const and = (): boolean => {
    let value = primary();
    while (peek() === '&&') {
      next();
      value = primary() && value;
    }
    return value;
  };
  const or = (): boolean => {
    let value = and();
    while (peek() === '||') {
      next();
      value = and() || value;
    }
    return value;
  };
  const result = or();
  if (at !== tokens.length) throw new Error(`could not parse "${clause}" past "${tokens.slice(at).join(' ')}"`);
  return result;
}

/** Every context key a clause reads (each operand is evaluated, so none hides behind `&&`/`||`). */
export function whenKeys(clause: string | undefined): string[] {
  const keys = new Set<string>();
  const recorder = new Proxy({}, { get: (_target, key) => (typeof key === 'string' && keys.add(key), undefined) });
  evaluateWhen(clause, recorder);
  return [...keys];
}
