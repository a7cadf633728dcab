/** A deeply read-only view of a plain-data type. */
export type DeepReadonly<T> = T extends (infer E)[]
  ? readonly DeepReadonly<E>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/**
 * Clones plain data (what YAML and JSON produce) and freezes every object and array in the
 * clone, so a config handed to many components cannot be changed by one of them.
 * Iterative, so input depth cannot exhaust the stack.
 */
export function cloneDeepFrozen<T>(value: T): DeepReadonly<T> {
  const copy = structuredClone(value);
  const pending: unknown[] = [copy];
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next !== 'object' || next === null || Object.isFrozen(next)) continue;
    Object.freeze(next);
    for (const child of Object.values(next)) pending.push(child);
  }
  return copy as DeepReadonly<T>;
}
