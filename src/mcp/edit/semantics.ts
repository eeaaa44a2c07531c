/**
 * What "only our entry changed" means, checked on parsed values after every edit: the result
 * equals the input with our entry set (or removed), where a container left empty may also be
 * gone. Iterative, so hostile nesting cannot overflow the stack.
 */
import { containerPath, hasOwn, isPlainObject, setOwn, type EntryEdit } from './types';

/** Structural equality of parsed config values (objects, arrays, dates, primitives; key order ignored). */
export function deepEqual(a: unknown, b: unknown): boolean {
  const stack: Array<[unknown, unknown]> = [[a, b]];
  while (stack.length > 0) {
    const [x, y] = stack.pop()!;
    if (Object.is(x, y)) continue;
    if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false;
    if (x instanceof Date || y instanceof Date) {
      if (!(x instanceof Date && y instanceof Date) || x.constructor !== y.constructor || String(x) !== String(y)) return false;
      continue;
    }
    if (Array.isArray(x) !== Array.isArray(y)) return false;
    const kx = Object.keys(x);
    const ky = Object.keys(y);
    if (kx.length !== ky.length) return false;
    for (const k of kx) {
      if (!hasOwn(y, k)) return false;
      stack.push([(x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k]]);
    }
  }
  return true;
}

/** An empty container, for the rule that removal may drop a container it leaves empty (YAML writes an empty one as null). */
function isEmptyContainer(value: unknown, nullIsEmpty: boolean): boolean {
  if (value === undefined || (nullIsEmpty && value === null)) return true;
  if (Array.isArray(value)) return value.length === 0;
  return isPlainObject(value) && Object.keys(value).length === 0;
}

/** A copy of `root` with the objects along `path` copied, so the expected result can be built without touching the input. */
function copyAlong(root: Record<string, unknown>, path: readonly string[]): Record<string, unknown>[] {
  const chain: Record<string, unknown>[] = [{ ...root }];
  for (const key of path) {
    const parent = chain[chain.length - 1]!;
    const child = hasOwn(parent, key) ? parent[key] : undefined;
    if (child === undefined) break;
    const copy = Array.isArray(child) ? ([...child] as unknown as Record<string, unknown>) : isPlainObject(child) ? { ...child } : undefined;
    if (!copy) break;
    setOwn(parent, key, copy);
    chain.push(copy);
  }
  return chain;
}

/**
 * True when `after` is `before` with exactly our change. Lists (YAML) hold our item where it was
 * (the last occurrence) or at the end; maps may reorder nothing since key order is not compared.
 */
export function onlyOurEntryChanged(before: unknown, after: unknown, edit: EntryEdit, nullIsEmpty = false): boolean {
  const path = containerPath(edit);
  if (!isPlainObject(before) || !isPlainObject(after)) return false;
  const chain = copyAlong(before, path);
  let container: unknown = chain.length === path.length + 1 ? chain[path.length] : undefined;
  if (container === undefined && edit.value !== undefined) {
    // Build the missing part of the path.
    let parent = chain[chain.length - 1]!;
    for (let i = chain.length - 1; i < path.length; i++) {
      const next: Record<string, unknown> = edit.listKey && i === path.length - 1 ? ([] as unknown as Record<string, unknown>) : {};
      setOwn(parent, path[i]!, next);
      parent = next;
    }
    container = parent;
  }
  if (container !== undefined) applyToContainer(container, edit);
  const expected = chain[0]!;
  if (deepEqual(expected, after)) return true;
  // A container left holding nothing may be gone (removal drops one it created), and a YAML
  // container written as `key:` (null) stands for an empty list.
  return emptyEquivalent(expected, after, path, nullIsEmpty);
}

function applyToContainer(container: unknown, edit: EntryEdit): void {
  if (edit.listKey) {
    if (!Array.isArray(container)) return;
    const key = edit.listKey;
    const ours = (item: unknown) => isPlainObject(item) && hasOwn(item, key) && item[key] === edit.name;
    const last = container.map(ours).lastIndexOf(true);
    const value = edit.value === undefined ? undefined : { [key]: edit.name, ...(edit.value as Record<string, unknown>) };
    if (last >= 0 && value !== undefined) container[last] = value;
    for (let i = container.length - 1; i >= 0; i--) if (ours(container[i]) && !(i === last && value !== undefined)) container.splice(i, 1);
    if (last < 0 && value !== undefined) container.push(value);
    return;
  }
  if (!isPlainObject(container)) return;
  if (edit.value === undefined) delete container[edit.name];
  else setOwn(container, edit.name, edit.value);
}

/** `after` equals `expected` once containers along the path that hold nothing are treated as absent. */
function emptyEquivalent(expected: Record<string, unknown>, after: Record<string, unknown>, path: readonly string[], nullIsEmpty: boolean): boolean {
  const prune = (root: Record<string, unknown>): Record<string, unknown> => {
    const chain = copyAlong(root, path);
    for (let i = Math.min(chain.length - 1, path.length - 1); i >= 0; i--) {
      const parent = chain[i]!;
      const key = path[i]!;
      if (hasOwn(parent, key) && !isEmptyContainer(parent[key], nullIsEmpty)) break;
      delete parent[key];
    }
    return chain[0]!;
  };
  return deepEqual(prune(expected), prune(after));
}
