// V-trace (src/agents/common/vtrace.ts) against rlax (test/fixtures/vtrace.json, made by
// tools/fixtures_vtrace.py: random ratios, discounts, both kinds of episode end, both
// advantage modes, clipped and unclipped), and its defining properties: with on-policy
// data (ρ ≡ 1) the targets are GAE(λ)'s, and with λ = 1 too the discounted n-step returns.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { numpy as np } from "../../src/numpy/index.js";
import { Array as ConcreteArray } from "../../src/core/values.js";
import type { Value } from "../../src/core/values.js";
import { backendName, setBackend } from "../../src/core/index.js";
import { jit } from "../../src/core/jit.js";
import { gae } from "../../src/agents/common/gae.js";
import { vtrace, type VtraceAdvantageMode } from "../../src/agents/common/vtrace.js";
import { decodeArray, isEncArray } from "../numpy/helpers.js";
import { arr, nStepReturns, trajectories, type Traj } from "./trajectories.js";

const host = (v: Value) => [...(v as ConcreteArray).dataSync()].map(Number);
const close = (got: number[], want: number[], tol: number, what = "") =>
  got.forEach((g, i) => {
    if (!(Math.abs(g - want[i]!) <= tol * (1 + Math.abs(want[i]!)))) expect.fail(`${what} index ${i}: got ${g}, want ${want[i]}`);
  });

interface FixtureCase {
  [k: string]: unknown;
  gamma: number;
  lambda: number;
  clipRho: number | null;
  clipC: number | null;
  clipPgRho: number | null;
}

const fx = JSON.parse(readFileSync(new URL("../fixtures/vtrace.json", import.meta.url), "utf8")) as { cases: FixtureCase[] };
const dec = (e: unknown) => {
  if (!isEncArray(e)) throw new Error("fixture: expected an encoded array");
  return decodeArray(e);
};

describe("vtrace against rlax", () => {
  fx.cases.forEach((c, n) => {
    const shape = (c.values as { shape: number[] }).shape;
    it(`case ${n}: [T, B] = [${shape.join(", ")}], γ ${c.gamma}, λ ${c.lambda}, ρ̄ ${c.clipRho}, c̄ ${c.clipC}, ρ̄_pg ${c.clipPgRho}`, () => {
      const terminated = dec(c.terminated);
      const truncated = dec(c.truncated);
      const common = {
        values: dec(c.values),
        nextValues: dec(c.nextValues),
        rewards: dec(c.rewards),
        rhos: dec(c.rhos),
        terminated,
        done: np.logicalOr(terminated, truncated),
        gamma: c.gamma,
        lambda: c.lambda,
        clipRho: c.clipRho,
        clipC: c.clipC,
        clipPgRho: c.clipPgRho,
      };
      const modes: [VtraceAdvantageMode, string][] = [["official", "pgOfficial"]];
      if (c.pgAcme) modes.push(["acme", "pgAcme"]);
      for (const [mode, key] of modes) {
        // One compiled program per case (as the learner runs it), not op-by-op dispatch.
        const { gamma, lambda, clipRho, clipC, clipPgRho, ...arrays } = common;
        const out = jit((a: typeof arrays) => vtrace({ ...a, gamma, lambda, clipRho, clipC, clipPgRho, mode }))(arrays);
        close(host(out.vs), host(dec(c.vs)), 2e-5, "vs");
        close(host(out.pgAdvantages), host(dec(c[key])), 2e-5, key);
      }
    });
  });
});

const traj = trajectories(8);

function inputs(t: Traj, gamma: number, lambda: number, rho = 1) {
  return {
    values: arr(t.v, t),
    nextValues: arr(t.nv, t),
    rewards: arr(t.r, t),
    rhos: np.full([t.T, t.B], rho, "float32"),
    terminated: arr(t.term, t),
    done: arr(
      t.term.map((x, i) => x || t.trunc[i]!),
      t,
    ),
    gamma,
    lambda,
  };
}


describe("vtrace properties", () => {
  // Properties on the interpreter (no compile per shape); the rlax cases above use the default backend.
  let prev: ReturnType<typeof backendName>;
  beforeAll(() => {
    prev = backendName();
    setBackend("ref");
  });
  afterAll(() => setBackend(prev));

  it("ρ ≡ 1, λ = 1: the targets are the discounted n-step returns, and both modes' advantages are returns minus values", () => {
    fc.assert(
      fc.property(traj, fc.constantFrom(0.5, 0.9, 0.99, 1), fc.constantFrom(1, 1.5, null), (t, gamma, clip) => {
        const x = { ...inputs(t, gamma, 1), clipRho: clip, clipC: clip, clipPgRho: clip };
        const g = nStepReturns(t, gamma);
        const off = vtrace({ ...x, mode: "official" });
        const acme = vtrace({ ...x, mode: "acme" });
        close(host(off.vs), g, 1e-4, "vs");
        close(host(off.pgAdvantages), g.map((r, i) => r - t.v[i]!), 1e-4, "official");
        close(host(acme.pgAdvantages), host(off.pgAdvantages), 1e-5, "acme");
      }),
      { numRuns: 30 },
    );
  });

  it("ρ ≡ 1: the targets are GAE(λ)'s (gae.ts), for any λ and c̄, ρ̄ ≥ 1", () => {
    fc.assert(
      fc.property(traj, fc.constantFrom(0.9, 0.99), fc.double({ min: 0, max: 1, noNaN: true }), (t, gamma, lambda) => {
        const x = inputs(t, gamma, lambda);
        const want = gae({ ...x });
        const got = vtrace({ ...x, clipRho: 1, clipC: 1, clipPgRho: 1, mode: "official" });
        close(host(got.vs), host(want.targets), 1e-4, "vs");
      }),
      { numRuns: 30 },
    );
  });

  it("importance weights above the clips act as the clips: ρ = 3 with ρ̄ = c̄ = ρ̄_pg = 1 gives the on-policy numbers", () => {
    fc.assert(
      fc.property(traj, fc.double({ min: 0, max: 1, noNaN: true }), (t, lambda) => {
        const clips = { clipRho: 1, clipC: 1, clipPgRho: 1, mode: "acme" as const };
        const a = vtrace({ ...inputs(t, 0.95, lambda, 3), ...clips });
        const b = vtrace({ ...inputs(t, 0.95, lambda, 1), ...clips });
        close(host(a.vs), host(b.vs), 1e-6);
        close(host(a.pgAdvantages), host(b.pgAdvantages), 1e-6);
      }),
      { numRuns: 20 },
    );
  });

  it("a hand-worked column: the clipped ratio scales the TD error, c̄ cuts the trace, a termination stops both", () => {
    // T = 3, one env, γ = 0.5, λ = 1, ρ = [2, 0.5, 1], ρ̄ = c̄ = 1; step 1 terminates.
    const t: Traj = { T: 3, B: 1, r: [1, 2, 3], v: [1, 1, 1], nv: [1, 9, 4], term: [false, true, false], trunc: [false, false, false] };
    const x = { ...inputs(t, 0.5, 1), rhos: np.array([[2], [0.5], [1]], "float32"), clipRho: 1, clipC: 1, clipPgRho: 1 };
    const out = vtrace({ ...x, mode: "official" });
    // δ = [1·(1 + .5·1 − 1), .5·(2 − 1), 1·(3 + .5·4 − 1)] = [0.5, 0.5, 4]
    // v2 = 1 + 4 = 5; v1 = 1 + 0.5 = 1.5 (terminated: no trace); v0 = 1 + 0.5 + .5·1·1·(v1 − V1) = 1.75
    close(host(out.vs), [1.75, 1.5, 5], 1e-6);
    // q = [1 + .5·v1, 2, 3 + .5·4] = [1.75, 2, 5]; A = min(1, ρ)·(q − V) = [0.75, 0.5, 4]
    close(host(out.pgAdvantages), [0.75, 0.5, 4], 1e-6);
  });

  it("names the argument and the shapes on a mismatch", () => {
    const t: Traj = { T: 2, B: 1, r: [0, 0], v: [0, 0], nv: [0, 0], term: [false, false], trunc: [false, false] };
    const x = { ...inputs(t, 0.9, 1), clipRho: 1, clipC: 1, clipPgRho: 1, mode: "official" as const };
    expect(() => vtrace({ ...x, rhos: np.ones([3, 1]) })).toThrow(/vtrace: rhos has shape \[3, 1\] but values has \[2, 1\]/);
    expect(() => vtrace({ ...x, mode: "paper" as VtraceAdvantageMode })).toThrow(/vtrace: mode must be "official" or "acme"/);
  });
});
