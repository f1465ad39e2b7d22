// GAE's defining properties, checked against host recomputations: λ = 1 is the discounted
// return minus the value, λ = 0 the one-step TD error, with terminated episodes not
// bootstrapped, truncated ones bootstrapped from the real final observation, and no
// advantage flowing across an episode boundary.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { gae } from "../../src/agents/common/gae.js";
import { useRefBackend, host } from "../ref_backend.js";
import { arr, nStepReturns, trajectories, type Traj } from "./trajectories.js";

// Properties of the math, checked on the interpreter (no compile per shape); the JAX fixture
// test (ppo_fixture.test.ts) runs gae() on the default backend.
useRefBackend();

const traj = trajectories(9);

function run(t: Traj, gamma: number, lambda: number) {
  const done = t.term.map((x, i) => x || t.trunc[i]!);
  const out = gae({
    rewards: arr(t.r, t),
    values: arr(t.v, t),
    nextValues: arr(t.nv, t),
    terminated: arr(t.term, t),
    done: arr(done, t),
    gamma,
    lambda,
  });
  return { adv: host(out.advantages), targets: host(out.targets) };
}

// Host references, written from the definitions (not the recursion gae() uses).
function returnsMinusValues(t: Traj, gamma: number): number[] {
  return nStepReturns(t, gamma).map((g, i) => g - t.v[i]!);
}

function tdErrors(t: Traj, gamma: number): number[] {
  return t.r.map((r, i) => r + (t.term[i] ? 0 : gamma * t.nv[i]!) - t.v[i]!);
}

const close = (got: number[], want: number[], tol: number) =>
  got.forEach((g, i) => {
    if (Math.abs(g - want[i]!) > tol * (1 + Math.abs(want[i]!))) expect.fail(`index ${i}: got ${g}, want ${want[i]}`);
  });

describe("gae", () => {
  it("λ = 1 equals discounted returns (bootstrapped on truncation and at the rollout's end) minus values", () => {
    fc.assert(
      fc.property(traj, fc.constantFrom(0.5, 0.9, 0.99, 1), (t, gamma) => {
        const { adv, targets } = run(t, gamma, 1);
        close(adv, returnsMinusValues(t, gamma), 1e-4);
        close(targets, adv.map((a, i) => a + t.v[i]!), 1e-5);
      }),
      { numRuns: 40 },
    );
  });

  it("λ = 0 equals the one-step TD errors r + γ(1 − terminated) V(s') − V(s)", () => {
    fc.assert(
      fc.property(traj, fc.constantFrom(0.5, 0.9, 0.99), (t, gamma) => close(run(t, gamma, 0).adv, tdErrors(t, gamma), 1e-5)),
      { numRuns: 40 },
    );
  });

  it("a hand-worked trajectory: termination, truncation and the rollout's end", () => {
    // One env, 4 steps: step 1 terminates, step 2 is truncated (final obs value 10).
    const t: Traj = { T: 4, B: 1, r: [1, 2, 3, 4], v: [0.5, 0.5, 0.5, 0.5], nv: [0.5, 7, 10, 2], term: [false, true, false, false], trunc: [false, false, true, false] };
    const g = 0.9;
    const l = 0.5;
    // δ = [1 + .9·.5 − .5, 2 − .5, 3 + .9·10 − .5, 4 + .9·2 − .5] = [0.95, 1.5, 11.5, 5.3]
    // A3 = 5.3; A2 = 11.5 (truncated: no flow); A1 = 1.5 (terminated); A0 = 0.95 + .45·1.5 = 1.625
    close(run(t, g, l).adv, [1.625, 1.5, 11.5, 5.3], 1e-6);
  });
});
