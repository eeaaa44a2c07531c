/** A small argument parser: `oneclaw <command> [--flag value | --switch]...`. Keys are never accepted here. */

export class UsageError extends Error {}

export interface ParsedArgs {
  command: string | undefined;
  values: Map<string, string[]>;
  switches: Set<string>;
}

export function parseArgs(argv: readonly string[], spec: { values: readonly string[]; switches: readonly string[] }): ParsedArgs {
  const [command, ...rest] = argv;
  const values = new Map<string, string[]>();
  const switches = new Set<string>();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    const [name, inline] = arg.startsWith('--') ? splitOnce(arg.slice(2)) : [undefined, undefined];
    if (name === undefined) throw new UsageError(`unexpected argument "${abbreviate(arg)}"`);
    if (spec.switches.includes(name)) {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
      switches.add(name);
    } else if (spec.values.includes(name)) {
      const value = inline ?? rest[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      values.set(name, [...(values.get(name) ?? []), value]);
    } else throw new UsageError(`unknown option --${abbreviate(name)}`);
  }
  return { command, values, switches };
}

export function single(args: ParsedArgs, name: string): string | undefined {
  const list = args.values.get(name);
  if (list && list.length > 1) throw new UsageError(`--${name} given more than once`);
  return list?.[0];
}

function splitOnce(text: string): [string, string | undefined] {
  const at = text.indexOf('=');
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

/** Never echo a long argument back whole: it may be a key pasted by mistake. */
function abbreviate(text: string): string {
  return text.length > 24 ? `${text.slice(0, 8)}…` : text;
}
