// bind checks a primitive's params against its type: these lines are compile-time assertions
// (`npm run typecheck` fails if a @ts-expect-error is not an error), run here as well.
import { describe, expect, it } from "vitest";
import { bind1 } from "../../src/core/index.js";
import { reshapeP } from "../../src/lax/shape.js";
import { numpy as np } from "../../src/numpy/index.js";

describe("bind's params are typed per primitive", () => {
  it("accepts the primitive's params and rejects others at compile time", () => {
    const x = np.zeros([2, 3]);
    expect(bind1(reshapeP, [x], { newSizes: [3, 2] }).shape).toEqual([3, 2]);
    // @ts-expect-error a misspelt param name does not compile
    expect(() => bind1(reshapeP, [x], { newSize: [3, 2] })).toThrow();
    // @ts-expect-error a param of the wrong type does not compile
    const bad = () => bind1(reshapeP, [x], { newSizes: "3,2" });
    expect(bad).toThrow();
  });
});
