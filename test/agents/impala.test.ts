// IMPALA's loss: V-trace targets and ρ_pg-weighted advantages are constants of the gradient
// (as evorl stops them), so ∂/∂log π = −A_pg / N and ∂/∂V = 2 vfCoef (V − v_s) / N exactly;
// on-policy (π = μ) the loss is A2C's with V-trace's targets. Interpreter backend.
import { describe, expect, it } from "vitest";
import { grad } from "../../src/core/index.js";
import { random, numpy as np } from "../../src/index.js";
import { type Value } from "../../src/core/values.js";
import { Box, Discrete } from "../../src/envs/spaces.js";
import { impalaLoss, type IMPALALossHyper, type IMPALALossInput } from "../../src/agents/impala/loss.js";
import { vtrace } from "../../src/agents/common/vtrace.js";
import { IMPALAAgent } from "../../src/agents/impala/agent.js";
import { useRefBackend, host, num } from "../ref_backend.js";

useRefBackend();

const T = 5;
const B = 2;
const N = T * B;
const rnd = (k: number, scale = 1) => np.multiply(random.normal(random.key(k), [T, B]), scale);

const input = (): IMPALALossInput => ({
  logProb: np.subtract(np.multiply(np.abs(rnd(1)), -1), 0.1),
  behaviourLogProb: np.subtract(np.multiply(np.abs(rnd(2)), -1), 0.1),
  values: rnd(3, 2),
  nextValues: rnd(4, 2),
  rewards: rnd(5),
  terminated: np.array([[0, 0], [1, 0], [0, 0], [0, 0], [0, 0]], "bool"),
  truncated: np.array([[0, 0], [0, 0], [0, 1], [0, 0], [0, 0]], "bool"),
  entropy: np.abs(rnd(6)),
});
const hyper: IMPALALossHyper = { gamma: 0.95, vtraceLambda: 0.9, clipRho: 1, clipC: 1, clipPgRho: 1, advMode: "official", vfCoef: 0.5, entCoef: 0.01 };

describe("impalaLoss", () => {
  it("is policyLoss + vfCoef · valueLoss − entCoef · entropy with V-trace's targets and advantages", () => {
    const x = input();
    const l = impalaLoss(x, hyper);
    const v = vtrace({ ...x, rhos: np.exp(np.subtract(x.logProb, x.behaviourLogProb)), done: np.logicalOr(x.terminated, x.truncated), gamma: 0.95, lambda: 0.9, clipRho: 1, clipC: 1, clipPgRho: 1, mode: "official" });
    const A = host(v.pgAdvantages);
    const lp = host(x.logProb);
    const V = host(x.values);
    const vs = host(v.vs);
    const pl = -A.reduce((a, ai, i) => a + ai * lp[i]!, 0) / N;
    const vl = V.reduce((a, vi, i) => a + (vi - vs[i]!) ** 2, 0) / N;
    const ent = host(x.entropy).reduce((a, b) => a + b, 0) / N;
    expect(num(l.policyLoss)).toBeCloseTo(pl, 5);
    expect(num(l.valueLoss)).toBeCloseTo(vl, 5);
    expect(num(l.total)).toBeCloseTo(pl + 0.5 * vl - 0.01 * ent, 5);
    const rho = host(np.exp(np.subtract(x.logProb, x.behaviourLogProb)));
    expect(num(l.rho)).toBeCloseTo(rho.reduce((a, b) => a + b, 0) / N, 5);
  });

  it("targets and advantages are constants: ∂/∂log π = −A_pg / N, ∂/∂V = 2 vfCoef (V − v_s) / N, ∂/∂V(s') = 0", () => {
    const x = input();
    const gs = grad((lp: Value, V: Value, nV: Value) => impalaLoss({ ...x, logProb: lp, values: V, nextValues: nV }, hyper).total, { argnums: [0, 1, 2] })(x.logProb, x.values, x.nextValues) as Value[];
    const v = vtrace({ ...x, rhos: np.exp(np.subtract(x.logProb, x.behaviourLogProb)), done: np.logicalOr(x.terminated, x.truncated), gamma: 0.95, lambda: 0.9, clipRho: 1, clipC: 1, clipPgRho: 1, mode: "official" });
    host(gs[0]!).forEach((g, i) => expect(g).toBeCloseTo(-host(v.pgAdvantages)[i]! / N, 6));
    host(gs[1]!).forEach((g, i) => expect(g).toBeCloseTo((2 * 0.5 * (host(x.values)[i]! - host(v.vs)[i]!)) / N, 6));
    for (const g of host(gs[2]!)) expect(g).toBe(0);
  });
});

describe("IMPALAAgent", () => {
  const obsSpace = new Box(-5, 5, [3]);
  it("checks its options: minibatches of whole trajectories must fit numEnvs; modes by name", () => {
    expect(() => new IMPALAAgent({ numEnvs: 4, minibatchSize: 8 }, obsSpace, new Discrete(2))).toThrow(/minibatchSize = 8 trajectories is more than numEnvs = 4/);
    expect(() => new IMPALAAgent({ advMode: "paper" as "acme" }, obsSpace, new Discrete(2))).toThrow(/advMode = "paper" is not allowed/);
    const a = new IMPALAAgent({ numEnvs: 10, minibatchSize: 4, epochs: 3 }, obsSpace, new Box(-1, 1, [2]));
    expect(a.numMinibatches).toBe(2);
  });

  it("its behaviour policy lags the learner: one minibatch × one epoch sees π = μ (ρ ≡ 1, zero KL); more steps per rollout see ρ ≠ 1", () => {
    const sp = new Discrete(2);
    const traj = (a: IMPALAAgent, s: ReturnType<IMPALAAgent["init"]>) => {
      const obs = random.normal(random.key(11), [6, 4, 3]);
      const [actions, extras] = a.computeActions(s, { obs }, random.key(12));
      const z = np.zeros([6, 4], "bool");
      return { obs, actions, rewards: np.ones([6, 4]), nextObs: random.normal(random.key(13), [6, 4, 3]), terminated: z, truncated: z, extras };
    };
    const counters = { iterations: np.zeros([], "int32"), envSteps: np.zeros([], "int32"), episodes: np.zeros([], "int32"), updates: np.zeros([], "int32") };
    const run = (o: Record<string, unknown>) => {
      const a = new IMPALAAgent({ hiddenSizes: [8], numEnvs: 4, numSteps: 6, ...o }, obsSpace, sp);
      const s = a.init(random.key(0), obsSpace, sp);
      return a.update(s, { model: a.optimizers().model!.init(s.params) }, traj(a, s), { key: random.key(1), counters });
    };
    const on = run({ minibatchSize: 4, epochs: 1 });
    expect(on.updates).toBe(1);
    expect(num(on.metrics["loss/rho"]!)).toBeCloseTo(1, 6);
    expect(num(on.metrics["loss/approxKl"]!)).toBeCloseTo(0, 7);
    const lagged = run({ minibatchSize: 1, epochs: 3, lr: 0.01 });
    expect(lagged.updates).toBe(12);
    expect(num(lagged.metrics["loss/approxKl"]!)).toBeGreaterThan(1e-6);
  });
});
