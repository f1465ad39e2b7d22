// PPOAgent's contract: spaces, action shapes and bounds, greedy vs exploring actions, the
// observation normalizer, option checking. Run on the interpreter (small, no compiles).
import { describe, expect, it } from "vitest";
import { random, numpy as np } from "../../src/index.js";
import { Array as ConcreteArray } from "../../src/core/values.js";
import { Box, Discrete } from "../../src/envs/spaces.js";
import { PPOAgent } from "../../src/agents/ppo/agent.js";
import { useRefBackend, host } from "../ref_backend.js";

useRefBackend();

const obsSpace = new Box(-5, 5, [3]);
const obs = (n: number) => random.normal(random.key(9), [n, 3]);

describe("PPOAgent", () => {
  it("Discrete: int actions in range (offset by the space's start), log-probs and values per sample", () => {
    const sp = new Discrete(3, 10);
    const a = new PPOAgent({ hiddenSizes: [8] }, obsSpace, sp);
    const s = a.init(random.key(0), obsSpace, sp);
    const [act, ex] = a.computeActions(s, { obs: obs(5) }, random.key(1));
    expect(act.shape).toEqual([5]);
    expect(act.dtype).toBe("int32");
    for (const x of host(act)) expect(x >= 0 && x < 3).toBe(true);
    for (const x of host(a.toEnvAction(act))) expect(x >= 10 && x < 13).toBe(true);
    expect(ex.logProb.shape).toEqual([5]);
    expect(ex.value.shape).toEqual([5]);
    // A fresh policy head (orthogonal 0.01) is near uniform: log(1/3).
    for (const lp of host(ex.logProb)) expect(lp).toBeCloseTo(Math.log(1 / 3), 1);
    // Greedy actions are the argmax of the logits.
    const [greedy] = a.evaluateActions(s, { obs: obs(5) }, random.key(2));
    const [pi] = a.policy(s, obs(5));
    expect(host(greedy)).toEqual(host(np.argmax((pi as any).logits, -1)));
  });

  it("Box: Gaussian samples are kept raw and clipped to the box for the env; squash rescales tanh", () => {
    const sp = new Box(-2, 2, [2]);
    const a = new PPOAgent({ hiddenSizes: [8], initLogStd: 1.5 }, obsSpace, sp);
    const s = a.init(random.key(0), obsSpace, sp);
    expect(host(s.params.logStd!)).toEqual([1.5, 1.5]);
    const [act] = a.computeActions(s, { obs: obs(64) }, random.key(3));
    expect(act.shape).toEqual([64, 2]);
    expect(Math.max(...host(act).map(Math.abs))).toBeGreaterThan(2); // std e^1.5 ≈ 4.5
    for (const x of host(a.toEnvAction(act))) expect(Math.abs(x)).toBeLessThanOrEqual(2);

    const sq = new PPOAgent({ hiddenSizes: [8], squash: true }, obsSpace, new Box([0, -1], [1, 3], [2]));
    const u = np.array([[-100, 0], [0, 100]], "float32");
    expect(host(sq.toEnvAction(u))).toEqual([0, 1, 0.5, 3]);
    expect(() => new PPOAgent({ squash: true }, obsSpace, new Box(-Infinity, Infinity, [2]))).toThrow(/squash needs a bounded action box/);
  });

  it("checks its spaces and options", () => {
    const a = new PPOAgent({}, obsSpace, new Discrete(2));
    expect(() => a.init(random.key(0), obsSpace, new Discrete(3))).toThrow(/built for .* not /);
    expect(() => new PPOAgent({ entCoef: -1 }, obsSpace, new Discrete(2))).toThrow(/entCoef = -1 is not allowed/);
    expect(() => new PPOAgent({}, obsSpace, new Box(-1, 1, [2, 2]))).toThrow(/1-D Box/);
    expect(() => a.withOptions({ hiddenSizes: np.array(1) } as never)).toThrow(/cannot be a traced value/);
    expect(a.withOptions({ entCoef: np.array(0.5) }).options.entCoef).toBeInstanceOf(ConcreteArray);
  });

  it("observation normalization: statistics move with updateStats and standardize the inputs", () => {
    const sp = new Discrete(2);
    const a = new PPOAgent({ normalizeObs: true, hiddenSizes: [8] }, obsSpace, sp);
    let s = a.init(random.key(0), obsSpace, sp);
    const o = np.add(np.multiply(random.normal(random.key(4), [50, 4, 3]), 3), 7); // [T, B, obs]
    s = a.updateStats(s, { obs: o }, 2);
    expect(host(s.obsNorm!.count)[0]).toBeCloseTo(200, 2);
    const z = host(a.features(s, np.reshape(o, [200, 3])));
    const mean = z.reduce((x, y) => x + y, 0) / z.length;
    expect(Math.abs(mean)).toBeLessThan(0.05);
  });
});
