// The device replay buffer's laws (fast-check): it never samples an unfilled slot, it
// overwrites the oldest row first, and its n-step targets equal a hand computation — summing
// rewards until an episode end, bootstrapping through truncation (discount γᵐ) and not through
// termination (discount 0), and never reading past the newest row.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { numpy as np } from "../../src/numpy/index.js";
import { random } from "../../src/random/index.js";
import { replayAdd, replayGather, replayIndices, replayInit, replayRows, replaySample, type ReplayBuffer, type Transition } from "../../src/workflows/replay.js";
import { useRefBackend, host } from "../ref_backend.js";

useRefBackend();

const E = 2;

/** Vector step i: obs = i·10 + env, reward = i + env/10, flags from the lists. */
function step(i: number, term: boolean[] = [false, false], trunc: boolean[] = [false, false]): Transition {
  return {
    obs: np.array([[i * 10], [i * 10 + 1]], "float32"),
    actions: np.array([i % 2, (i + 1) % 2], "int32"),
    rewards: np.array([i, i + 0.1], "float32"),
    nextObs: np.array([[i * 10 + 5], [i * 10 + 6]], "float32"),
    terminated: np.array(term, "bool"),
    truncated: np.array(trunc, "bool"),
  };
}

function fill(rows: number, adds: number, flags: (i: number) => [boolean[], boolean[]] = () => [[false, false], [false, false]]): ReplayBuffer {
  let b = replayInit(step(0), rows);
  for (let i = 0; i < adds; i++) b = replayAdd(b, step(i, ...flags(i)));
  return b;
}

describe("replay buffer", () => {
  it("sizes rows to hold the capacity in transitions", () => {
    expect(replayRows(100, 1)).toBe(100);
    expect(replayRows(100, 8)).toBe(13);
    expect(replayRows(1, 8)).toBe(1);
  });

  it("never samples an unfilled slot", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 1000 }), (rows, adds, seed) => {
        const b = fill(rows, adds);
        const { row, env } = replayIndices(b, random.key(seed), 32);
        const filled = Math.min(adds, rows);
        for (const r of host(row)) expect(r).toBeLessThan(filled);
        for (const e of host(env)) expect(e).toBeLessThan(E);
        // Sampled observations are ones that were written.
        const s = replaySample(b, random.key(seed), 16, { gamma: 0.9 });
        const written = new Set(Array.from({ length: adds }, (_, i) => [i * 10, i * 10 + 1]).flat());
        for (const o of host(s.obs)) expect(written.has(o)).toBe(true);
      }),
      { numRuns: 25 },
    );
  });

  it("overwrites the oldest row first", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 9 }), (rows, extra) => {
        const adds = rows + extra;
        const b = fill(rows, adds);
        expect(host(b.size)).toEqual([rows]);
        expect(host(b.pos)).toEqual([adds % rows]);
        // Row r holds the newest add i ≡ r (mod rows).
        const obs = host(b.data.obs);
        for (let r = 0; r < rows; r++) {
          const i = adds - 1 - ((adds - 1 - r + rows * 10) % rows);
          expect(obs[r * E]).toBe(i * 10);
        }
      }),
      { numRuns: 25 },
    );
  });

  it("one-step targets: discount γ after truncation, 0 after termination", () => {
    const b = fill(4, 3, (i) => (i === 1 ? [[true, false], [false, true]] : [[false, false], [false, false]]));
    const s = replayGather(b, np.array([1, 1, 0], "int32"), np.array([0, 1, 0], "int32"), { gamma: 0.9 });
    expect(host(s.extras.discount!)).toEqual([0, 0.9, 0.9].map(Math.fround));
    expect(host(s.nextObs)).toEqual([15, 16, 5]);
  });

  it("n-step targets equal a hand computation: cut at episode ends and at the newest row", () => {
    // 5 vector steps; env 0 terminates at step 2, env 1 is truncated at step 1.
    const b = fill(8, 5, (i) => [[i === 2, false], [false, i === 1]]);
    const g = 0.5;
    const s = replayGather(b, np.array([0, 0, 3, 3, 1], "int32"), np.array([0, 1, 0, 1, 1], "int32"), { gamma: g, nStep: 3 });
    // env 0 from step 0: r0 + g r1 + g² r2, terminated at 2 → discount 0, next obs of step 2.
    // env 1 from step 0: r0 + g r1 (truncated at 1) → discount g², next obs of step 1.
    // env 0 from step 3: r3 + g r4, then the newest row ends the window → discount g², next of 4.
    // env 1 from step 3: the same on env 1.  env 1 from step 1: truncated at once → r1, g.
    const want = [0 + g * 1 + g * g * 2, 0.1 + g * 1.1, 3 + g * 4, 3.1 + g * 4.1, 1.1];
    host(s.rewards).forEach((x, i) => expect(x).toBeCloseTo(want[i]!, 5));
    host(s.extras.discount!).forEach((x, i) => expect(x).toBeCloseTo([0, g * g, g * g, g * g, g][i]!, 6));
    expect(host(s.nextObs)).toEqual([25, 16, 45, 46, 16]);
    expect(host(s.extras.steps!)).toEqual([3, 2, 2, 2, 1]);
  });
});
