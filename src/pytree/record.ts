/**
 * Immutable records: agent states, workflow states and configs are deep-frozen plain
 * objects; host-side updates make new records through immer's `produce`, so nothing a
 * jitted function saw is mutated behind its back.
 *
 * immer drafts and freezes only plain objects, arrays, Maps and Sets (and classes marked
 * `immerable`). Leaves such as typed arrays and class instances (the core's Array) are
 * neither copied nor frozen: they are kept by reference.
 */
import { type Draft, Immer, freeze, isDraftable } from "immer";

// A private instance, so that settings another module makes on immer's global instance
// (setAutoFreeze(false)) do not reach records.
const immer = new Immer({ autoFreeze: true });

/** Deep-freezes `x` in place (plain objects and arrays inside it) and returns it. */
export function freezeRecord<T>(x: T): T {
  return freeze(x, true);
}

function checkDraftable(fn: string, record: unknown): void {
  if (!isDraftable(record)) {
    const what = record === null ? "null" : typeof record === "object" ? "a class instance" : typeof record;
    throw new TypeError(`${fn}: expected a record (a plain object or array), got ${what}`);
  }
}

/**
 * A new frozen record with the fields of `patch` set; `record` is unchanged. Returns
 * `record` itself when no field changes.
 */
export function replace<T extends object>(record: T, patch: Partial<T>): T {
  checkDraftable("replace", record);
  return immer.produce(record, (draft: Draft<T>) => {
    Object.assign(draft as object, patch);
  }) as T;
}

/**
 * A new frozen record made by `recipe` from a draft of `record` (mutate the draft, or
 * return a replacement); `record` is unchanged.
 */
export function update<T extends object>(record: T, recipe: (draft: Draft<T>) => Draft<T> | void): T {
  checkDraftable("update", record);
  return immer.produce(record, recipe) as T;
}
