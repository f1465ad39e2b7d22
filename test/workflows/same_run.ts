// trainMany's runs against the host loop: run i of a batch of states equals one run's state.
import { expect } from "vitest";
import { Array as ConcreteArray } from "../../src/core/values.js";
import { flatten } from "../../src/pytree/index.js";

const host = (v: unknown) => [...(v as ConcreteArray).dataSync()].map(Number);

/** Every leaf of `one` equals run `i` of the batched `many` (leading axis of runs), within 1e-4 relative. */
export function expectRunOf(one: unknown, many: unknown, i: number): void {
  const [mine] = flatten(one);
  const [theirs] = flatten(many);
  mine.forEach((l, k) => {
    const a = host(l);
    const b = host(theirs[k]).slice(i * a.length, (i + 1) * a.length);
    a.forEach((x, j) => expect(Math.abs(x - b[j]!)).toBeLessThan(1e-4 * (1 + Math.abs(x))));
  });
}
