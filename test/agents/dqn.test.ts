// DQN: its TD errors and losses against rlax (test/fixtures/dqn.json, tools/fixtures_dqn.py),
// Double DQN's target (the target net evaluates the online argmax, fast-check), target-network
// updates (τ = 1 copies, τ = 0 keeps, every N updates), the ε schedule, and the workflow:
// counters counted in the program, and resume from a checkpoint equal to an uninterrupted run.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { Array as ConcreteArray, type Value } from "../../src/core/values.js";
import { numpy as np } from "../../src/numpy/index.js";
import { flatten } from "../../src/pytree/index.js";
import { Box, Discrete } from "../../src/envs/spaces.js";
import { saveCheckpoint, loadCheckpoint } from "../../src/io/index.js";
import { dqnLoss, dqnTargets } from "../../src/agents/dqn/loss.js";
import { DQNAgent } from "../../src/agents/dqn/agent.js";
import { updateTarget } from "../../src/agents/common/target.js";
import { buildWorkflow } from "../../src/algorithms/registry.js";
import type { OffPolicyState, OffPolicyWorkflow } from "../../src/workflows/off_policy.js";
import { decodeArray, isEncArray } from "../numpy/helpers.js";

// + 0 folds −0 into 0 (τ = 0 gives 0·online + target).
const host = (v: Value) => [...(v as ConcreteArray).dataSync()].map((x) => Number(x) + 0);
const f32 = (xs: number[][] | number[]) => np.array(xs, "float32");

const FIXTURE = new URL("../fixtures/dqn.json", import.meta.url);
describe.runIf(existsSync(FIXTURE))("dqnLoss against rlax", () => {
  const fx = existsSync(FIXTURE) ? JSON.parse(readFileSync(FIXTURE, "utf8")) : { cases: [] };
  const dec = (e: unknown) => (isEncArray(e) ? decodeArray(e) : (e as Value));
  (fx.cases as Record<string, unknown>[]).forEach((c, i) => it(`case ${i}: Q-learning and Double Q-learning TD errors and Huber / l2 losses`, () => {
    const x = Object.fromEntries(Object.entries(c).map(([k, v]) => [k, dec(v)])) as Record<string, Value>;
    const base = { q: x.q!, actions: x.actions!, rewards: x.rewards!, discount: x.discount!, nextTarget: x.nextTarget! };
    const pick = (q: Value, a: Value) => host(q).filter((_, j) => j % q.shape[1]! === host(a)[Math.floor(j / q.shape[1]!)]);
    const td = (t: Value) => host(t).map((y, j) => y - pick(x.q!, x.actions!)[j]!);
    td(dqnTargets(base)).forEach((v, j) => expect(v).toBeCloseTo(host(x.tdQ!)[j]!, 4));
    td(dqnTargets({ ...base, nextOnline: x.nextOnline! })).forEach((v, j) => expect(v).toBeCloseTo(host(x.tdDouble!)[j]!, 4));
    expect(host(dqnLoss(base, "huber").total)[0]).toBeCloseTo(host(x.huberQ!)[0]!, 4);
    expect(host(dqnLoss({ ...base, nextOnline: x.nextOnline! }, "huber").total)[0]).toBeCloseTo(host(x.huberDouble!)[0]!, 4);
    expect(host(dqnLoss(base, "mse").total)[0]).toBeCloseTo(host(x.l2Q!)[0]!, 4);
  }));
});

describe("DQN targets (properties)", () => {
  // Eighths are exact in float32, so sums and products compare exactly.
  const val = (m: number) => fc.integer({ min: -8 * m, max: 8 * m }).map((x) => x / 8);
  const small = fc.array(val(5), { minLength: 3, maxLength: 3 });
  it("Double DQN: the target net evaluates the online net's argmax", () => {
    fc.assert(
      fc.property(small, small, val(2), fc.boolean(), (tgt, onl, r, term) => {
        const disc = term ? 0 : 0.99;
        const t = host(dqnTargets({ rewards: f32([r]), discount: f32([disc]), nextTarget: f32([tgt]), nextOnline: f32([onl]) }))[0]!;
        const a = onl.map(Math.fround).indexOf(Math.max(...onl.map(Math.fround)));
        expect(t).toBeCloseTo(Math.fround(r) + Math.fround(disc) * Math.fround(tgt[a]!), 4);
        const plain = host(dqnTargets({ rewards: f32([r]), discount: f32([disc]), nextTarget: f32([tgt]) }))[0]!;
        expect(plain).toBeCloseTo(Math.fround(r) + Math.fround(disc) * Math.max(...tgt.map(Math.fround)), 4);
      }),
      { numRuns: 30 },
    );
  });

  it("target updates: τ = 1 copies, τ = 0 keeps, and only every N updates", () => {
    fc.assert(
      fc.property(fc.array(val(3), { minLength: 1, maxLength: 4 }), fc.array(val(3), { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 9 }), (a, b, n) => {
        const len = Math.min(a.length, b.length);
        const [target, online] = [{ w: f32(a.slice(0, len)) }, { w: f32(b.slice(0, len)) }];
        const ups = np.array(n, "int32");
        expect(host(updateTarget(target, online, ups, { tau: 1, every: 1 }).w)).toEqual(host(online.w));
        expect(host(updateTarget(target, online, ups, { tau: 0, every: 1 }).w)).toEqual(host(target.w));
        const every3 = host(updateTarget(target, online, ups, { tau: 1, every: 3 }).w);
        expect(every3).toEqual(host(n % 3 === 0 ? online.w : target.w));
        const half = host(updateTarget(target, online, ups, { tau: 0.25, every: 1 }).w);
        half.forEach((x, i) => expect(x).toBeCloseTo(0.25 * Math.fround(b[i]!) + 0.75 * Math.fround(a[i]!), 5));
      }),
      { numRuns: 30 },
    );
  });
});

describe("DQNAgent", () => {
  const agent = new DQNAgent({ hiddenSizes: [8], epsilonStart: 1, epsilonMin: 0.1, explorationFraction: 0.5, totalSteps: 1000, dueling: true }, new Box(-1, 1, [3]), new Discrete(4, 2));
  it("ε decays linearly over explorationFraction × totalSteps, then stays at the floor", () => {
    expect(host(agent.epsilon(0))[0]).toBeCloseTo(1, 6);
    expect(host(agent.epsilon(250))[0]).toBeCloseTo(0.55, 6);
    expect(host(agent.epsilon(5000))[0]).toBeCloseTo(0.1, 6);
  });
  it("acts in the space's range (Discrete with start), greedy actions are the argmax, dueling Q has mean-zero advantages", async () => {
    const s = agent.init(np.array([0, 1], "uint32"), new Box(-1, 1, [3]), new Discrete(4, 2));
    const obs = f32([[0.1, 0.2, 0.3], [-0.5, 0, 0.5]]);
    const [a] = agent.computeActions(s, { obs }, np.array([0, 7], "uint32"), np.array(0, "int32"));
    for (const x of host(a)) expect(x >= 2 && x < 6).toBe(true);
    const q = agent.qValues(s.params, null, obs);
    const [g] = agent.evaluateActions(s, { obs }, np.array([0, 7], "uint32"));
    const qs = host(q);
    expect(host(g)).toEqual([0, 1].map((i) => 2 + qs.slice(i * 4, i * 4 + 4).indexOf(Math.max(...qs.slice(i * 4, i * 4 + 4)))));
    expect(() => new DQNAgent({}, new Box(-1, 1, [3]), new Box(-1, 1, [2]))).toThrow(/needs Discrete actions/);
  });
});

describe("DQN on OffPolicyWorkflow", () => {
  const dir = mkdtempSync(join(tmpdir(), "xla-ts-dqn-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const cfg = { algo: "dqn", env: "CartPole-v1", numEnvs: 2, totalSteps: 480, stepsPerIteration: 160, learningStarts: 100, trainFreq: 4, gradientSteps: 2, batchSize: 16, bufferSize: 300, hiddenSizes: [16], targetUpdateEvery: 5, nStep: 2, evalEpisodes: 2, evalMaxSteps: 50 };
  const wf = buildWorkflow(cfg) as OffPolicyWorkflow;
  const leaves = (s: OffPolicyState) => flatten(s)[0].map((l) => host(l as Value));

  it("counts env steps, episodes and updates in the program", async () => {
    expect(wf.stepsPerIteration).toBe(160);
    expect(wf.numIterations).toBe(3);
    const [m, s1] = wf.step(wf.setup(0));
    expect(host(s1.counters.envSteps)).toEqual([160]);
    // 20 phases of 8 steps; phases ending at ≥ 100 steps (13..20: 8 phases) make 2 updates each.
    expect(host(s1.counters.updates)).toEqual([16]);
    expect(host(m.envSteps)).toEqual([160]);
    expect(host(s1.buffer.size)).toEqual([80]);
    expect(Number.isFinite(host(m["loss/total"]!)[0])).toBe(true);
    expect(host(s1.counters.episodes)[0]).toBeGreaterThan(0);
  });

  it("resuming from a checkpoint (buffer included) continues exactly as an uninterrupted run", async () => {
    const whole = await wf.learn(wf.setup(3), { iterations: 3, evalEvery: 0 });
    const first = await wf.learn(wf.setup(3), { iterations: 1, evalEvery: 0 });
    const file = join(dir, "dqn.safetensors");
    await saveCheckpoint(file, first);
    const resumed = await wf.learn(await loadCheckpoint<OffPolicyState>(file, wf.setup(0)), { iterations: 2, evalEvery: 0 });
    expect(leaves(resumed)).toEqual(leaves(whole));
  });
});
