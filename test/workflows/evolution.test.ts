// EvolutionWorkflow with ES on CartPole, tiny: counters counted exactly (a CartPole member's
// return is its live step count, so the state's env steps equal the sum of the fitness),
// early-ending episodes masked, episodes per member, the return cap, determinism, resume
// equality, trainMany equal to the host loop, stopScore, and the config checks.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Array as ConcreteArray } from "../../src/core/values.js";
import { flatten } from "../../src/pytree/index.js";
import { random } from "../../src/random/index.js";
import { jit } from "../../src/core/jit.js";
import { saveCheckpoint, loadCheckpoint } from "../../src/io/index.js";
import type { EvolutionState, EvolutionWorkflow } from "../../src/workflows/evolution.js";
import { trainMany } from "../../src/algorithms/train_many.js";
import { buildWorkflow } from "../../src/algorithms/registry.js";
import { expectRunOf } from "./same_run.js";

const SMALL = { algo: "es", env: "CartPole-v1", popSize: 6, mirrored: true, iterations: 3, maxEpisodeSteps: 60, evalEpisodes: 3, evalMaxSteps: 100, evalEvery: 0, hiddenSizes: [8] };
const wf = buildWorkflow(SMALL) as unknown as EvolutionWorkflow;
const dir = mkdtempSync(join(tmpdir(), "xla-ts-evo-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const host = (v: unknown) => [...(v as ConcreteArray).dataSync()].map(Number);
const leaves = (s: EvolutionState) => flatten([s.agentState.params, s.search])[0].map((l) => host(l));

describe("EvolutionWorkflow (ES on CartPole)", () => {
  it("plays every member's episode, masks the steps after it ended, and counts env steps exactly", () => {
    const s0 = wf.setup(0);
    expect(host(s0.counters.envSteps)).toEqual([0]);
    // What update will do (one compiled program): the population of ks[1], the episodes of ks[2].
    const fb = jit((s: EvolutionState) => {
      const ks = random.split(s.key, 4);
      const f = wf.playPopulation(s.agentState, wf.agent.ask(s.agentState, s.search, ks.get(1)), ks.get(2));
      return { fitness: f.fitness, lengths: f.lengths };
    })(s0);
    const fitness = host(fb.fitness);
    const lengths = host(fb.lengths);
    expect(fitness).toHaveLength(6);
    // CartPole pays 1 per live step: a member's return is its length (nothing counted after its end), capped at 60.
    expect(fitness).toEqual(lengths);
    for (const l of lengths) expect(l >= 1 && l <= 60).toBe(true);
    const [m, s1] = wf.step(s0);
    const total = lengths.reduce((a, b) => a + b, 0);
    expect(host(s1.counters.envSteps)).toEqual([total]);
    expect(host(s1.counters.episodes)).toEqual([6]);
    expect(host(s1.counters.updates)).toEqual([1]);
    expect(host(m.fitnessMean)[0]).toBeCloseTo(total / 6, 4);
    expect(host(m.fitnessMax)[0]).toBe(Math.max(...fitness));
    expect(host(m.sigma)[0]).toBeCloseTo(0.1, 6);
    // The state passed to step was donated.
    expect(() => host(s0.counters.envSteps)).toThrow(/donated/);
  }, 180_000);

  it("episodesPerMember averages each member's episodes; maxEpisodeReturn ends episodes at the cap", () => {
    const w = buildWorkflow({ ...SMALL, episodesPerMember: 2, maxEpisodeReturn: 10 }) as unknown as EvolutionWorkflow;
    const [m, s1] = w.step(w.setup(1));
    expect(host(m.fitnessMax)[0]).toBeLessThanOrEqual(10);
    expect(host(s1.counters.episodes)).toEqual([12]);
    // A member's fitness is the mean of its two episodes' returns (= lengths on CartPole): 6 × 2 × mean = every live step.
    expect(host(m.fitnessMean)[0]! * 12).toBeCloseTo(host(s1.counters.envSteps)[0]!, 3);
    expect(host(m.episodeLength)[0]! * 12).toBeCloseTo(host(s1.counters.envSteps)[0]!, 3);
  });

  it("is deterministic for a seed; resuming from a checkpoint continues exactly as an uninterrupted run", async () => {
    const whole = await wf.learn(wf.setup(7), { iterations: 3, evalEvery: 0 });
    const again = await wf.learn(wf.setup(7), { iterations: 3, evalEvery: 0 });
    expect(leaves(again)).toEqual(leaves(whole));
    const first = await wf.learn(wf.setup(7), { iterations: 1, evalEvery: 0 });
    const file = join(dir, "state.safetensors");
    await saveCheckpoint(file, first);
    const resumed = await wf.learn(await loadCheckpoint<EvolutionState>(file, first), { iterations: 2, evalEvery: 0 });
    expect(host(resumed.counters.iterations)).toEqual([3]);
    expect(host(resumed.counters.envSteps)).toEqual(host(whole.counters.envSteps));
    expect(leaves(resumed)).toEqual(leaves(whole));
    const other = await wf.learn(wf.setup(8), { iterations: 3, evalEvery: 0 });
    expect(leaves(other)).not.toEqual(leaves(whole));
  });

  it("trainMany (vmapped seeds) matches the host loop; evaluation reads the mean parameters", async () => {
    const r = await trainMany(SMALL, [2, 3], { evalEvery: 0 });
    for (const [i, seed] of [2, 3].entries()) {
      const s = await wf.learn(wf.setup(seed), { iterations: 3, evalEvery: 0 });
      expect(host(r.states.counters.envSteps)[i]).toBe(host(s.counters.envSteps)[0]);
      expectRunOf(s.agentState.params, r.states.agentState.params, i);
      expect(r.finalReturns[i]).toBeCloseTo((await wf.evaluate(s)).returnMean, 3);
    }
  }, 180_000);

  it("stopScore stops learn after the evaluation that reaches it", async () => {
    const w = buildWorkflow({ ...SMALL, stopScore: 1, evalEvery: 1, iterations: 5 }) as unknown as EvolutionWorkflow;
    const s = await w.learn(w.setup(0));
    expect(host(s.counters.iterations)).toEqual([1]);
  });

  it("checks its config", () => {
    expect(() => buildWorkflow({ ...SMALL, popSize: 5 })).toThrow(/popSize = 5 must be even when mirrored = true/);
    expect(() => buildWorkflow({ ...SMALL, fitnessShaping: "rank" })).toThrow(/fitnessShaping = "rank" is not allowed.*"zscore", "centeredRank", "none"/);
    expect(() => buildWorkflow({ ...SMALL, env: "Pendulum-v1", popSize: 4 })).not.toThrow();
  });
});
