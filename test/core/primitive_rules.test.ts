// A missing primitive rule is a compile error. This file is type-checked by `npm run typecheck`
// (tsconfig includes test/): every `@ts-expect-error` below must meet an error, or tsc fails
// ("Unused '@ts-expect-error' directive"). The runtime checks of defineRules are tested as well;
// bind's params check is in primitive_types.test.ts.
import { describe, expect, it } from "vitest";
import { definePrimitive, defineRules, type NoParams, type Rules, type RulesOf } from "../../src/core/primitive.js";
import type { Value } from "../../src/core/values.js";
import type * as Sort from "../../src/lax/sort.js";
import "../../src/lax/index.js"; // every family's rules attached (the registry as the library has it)

type SortRules = RulesOf<typeof Sort>;
/** Rules that fit any params (they read none). */
const some = { vjp: () => [], batch: (): [Value[], (number | null)[]] => [[], []] };

describe("primitive rules are checked by the compiler", () => {
  it("a rules record needs one entry per primitive the family module exports", () => {
    const complete: SortRules = { sortP: some, topKP: some };
    // @ts-expect-error: topKP has no entry
    const missing: SortRules = { sortP: some };
    const misspelt: SortRules = {
      sortP: some,
      topKP: some,
      // @ts-expect-error: sort.ts exports no primitive "topK"
      topK: some,
    };
    void [complete, missing, misspelt];
  });

  it("an entry needs a batching rule, and a VJP rule or a reason it has none (not both)", () => {
    // @ts-expect-error: no batching rule
    const noBatch: Rules<NoParams> = { vjp: some.vjp };
    // @ts-expect-error: neither a VJP rule nor notDifferentiable
    const noVjp: Rules<NoParams> = { batch: some.batch };
    // @ts-expect-error: a VJP rule and a reason not to have one
    const both: Rules<NoParams> = { ...some, notDifferentiable: "why" };
    const reason: Rules<NoParams> = { batch: some.batch, notDifferentiable: "why" };
    void [noBatch, noVjp, both, reason];
  });

  it("each entry is typed by its primitive's params", () => {
    const wrong: SortRules = {
      sortP: { ...some, batch: (xs, dims, { dimension, numKeys }) => [xs.slice(numKeys + dimension), [...dims]] },
      topKP: {
        ...some,
        // @ts-expect-error: top_k's params are { k }, not sort's
        batch: (xs, dims, { dimension }) => [xs.slice(dimension), [...dims]],
      },
    };
    void wrong;
  });
});

describe("defineRules at run time", () => {
  const def = (name: string) => definePrimitive<NoParams>({ name, abstractEval: (a) => a, lower: (_c, ins) => ins, ref: (ins) => ins });

  it("attaches the rules, and refuses a record the types would have refused", () => {
    const family = { aP: def("rules_test_a"), bP: def("rules_test_b"), notAPrimitive: 3 };
    expect(() => defineRules(family, { aP: some } as unknown as RulesOf<typeof family>)).toThrow(/"rules_test_b" \(bP\) has no rules/);
    defineRules(family, { aP: some, bP: { batch: some.batch, notDifferentiable: "a test" } });
    expect(family.aP.vjp).toBe(some.vjp);
    expect(family.bP.notDifferentiable).toBe("a test");
    expect(() => defineRules(family, { aP: some, bP: some })).toThrow(/"rules_test_a" has rules already/);
  });

  it("definePrimitive(def, rules) gives a primitive its rules at once", () => {
    const p = definePrimitive<NoParams>({ name: "rules_test_c", abstractEval: (a) => a, lower: (_c, ins) => ins, ref: (ins) => ins }, some);
    expect(p.batch).toBe(some.batch);
  });
});
