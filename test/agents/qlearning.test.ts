// Tabular Q-learning: the update on a two-state MDP against hand-computed values (continuing,
// terminated, two envs on one cell, two time steps in order), the grid discretization against
// hand-computed cells, ε's schedule, and the errors for grids that cannot be built.
import { describe, expect, it } from "vitest";
import { Array as ConcreteArray } from "../../src/core/values.js";
import { numpy as np } from "../../src/numpy/index.js";
import { random } from "../../src/random/index.js";
import { Box, Discrete } from "../../src/envs/spaces.js";
import { QLearningAgent } from "../../src/agents/qlearning/agent.js";
import { makeGrid } from "../../src/agents/qlearning/grid.js";
import { zeroCounters } from "../../src/workflows/workflow.js";
import type { Trajectory } from "../../src/agents/types.js";

const host = (v: unknown) => [...(v as ConcreteArray).dataSync()].map(Number);

// Two states, two actions, α = 0.5, γ = 0.9, Q = [[1, 2], [3, 5]].
const agent = new QLearningAgent({ lr: 0.5, gamma: 0.9, numEnvs: 1 }, new Discrete(2), new Discrete(2));
const Q0 = np.array([[1, 2], [3, 5]], "float32");
const step = (obs: number[], actions: number[], rewards: number[], nextObs: number[], terminated: boolean[]) => ({
  obs: np.array(obs, "int32"),
  actions: np.array(actions, "int32"),
  rewards: np.array(rewards, "float32"),
  nextObs: np.array(nextObs, "int32"),
  terminated: np.array(terminated, "bool"),
});

describe("tabular Q-learning update", () => {
  it("Q(s,a) += α (r + γ maxₐ′ Q(s′,a′) − Q(s,a)) on a two-state MDP", () => {
    // s 0, a 1, r 1 → s′ 1: target 1 + 0.9 · 5 = 5.5, Q(0,1) = 2 + 0.5 · 3.5 = 3.75.
    const [q, td] = agent.tabularStep(Q0, step([0], [1], [1], [1], [false]));
    expect(host(q)).toEqual([1, 3.75, 3, 5]);
    expect(host(td)[0]).toBeCloseTo(3.5, 6);
  });

  it("a termination masks the bootstrap; a truncation (not terminated) keeps it", () => {
    // Terminated: target 1, Q(0,1) = 2 + 0.5 · (1 − 2) = 1.5.
    expect(host(agent.tabularStep(Q0, step([0], [1], [1], [1], [true]))[0])).toEqual([1, 1.5, 3, 5]);
  });

  it("envs visiting one (s, a) at the same step share one step of α · their mean TD error", () => {
    // TD errors 3.5 and (0 + 0.9 · 5 − 2) = 2.5: mean 3, Q(0,1) = 2 + 1.5; env 3 moves Q(1,0) by 0.5 · (−3) .
    const [q] = agent.tabularStep(Q0, step([0, 0, 1], [1, 1, 0], [1, 0, 0], [1, 1, 0], [false, false, true]));
    expect(host(q)).toEqual([1, 3.5, 1.5, 5]);
  });

  it("update walks the [T, B] rollout in time order", () => {
    // t 0 as above → Q(0,1) = 3.75; t 1: s 1, a 0, r 0 → s′ 0: target 0.9 · 3.75 = 3.375, Q(1,0) = 3 + 0.5 · 0.375.
    const t0 = step([0], [1], [1], [1], [false]);
    const t1 = step([1], [0], [0], [0], [false]);
    const stack = (k: keyof typeof t0) => np.stack([t0[k], t1[k]]);
    const traj = { obs: stack("obs"), actions: stack("actions"), rewards: stack("rewards"), nextObs: stack("nextObs"), terminated: stack("terminated"), truncated: np.zeros([2, 1], "bool"), extras: {} } as Trajectory;
    const u = agent.update({ params: { table: Q0 }, obsNorm: null, extra: null }, {}, traj, { key: random.key(0), counters: zeroCounters() });
    expect(host(u.agentState.params.table)).toEqual([1, 3.75, 3.1875, 5]);
    expect(u.updates).toBe(2);
  });
});

describe("grid discretization", () => {
  // MountainCar's box: position [−1.2, 0.6], velocity [−0.07, 0.07]; 20 × 10 cells, row-major.
  const box = new Box([-1.2, -0.07], [0.6, 0.07]);
  const grid = makeGrid(box, { gridSize: [20, 10], obsLow: null, obsHigh: null });

  it("maps observations to hand-computed cells, clipping outside values to the edge cells", () => {
    expect(grid.numCells).toBe(200);
    // (−0.25 + 1.2) / 0.09 = 10.56 → 10; (0.01 + 0.07) / 0.014 = 5.71 → 5: cell 10 · 10 + 5.
    const cells = host(grid.cell(np.array([[-1.2, -0.07], [-0.25, 0.01], [0.6, 0.07], [-5, 1], [0.55, -0.0699]], "float32")));
    expect(cells).toEqual([0, 105, 199, 9, 190]);
  });

  it("one grid size serves every dimension; given bounds replace the space's", () => {
    const g = makeGrid(new Box(-Infinity, Infinity, [2]), { gridSize: [4], obsLow: [0, 0], obsHigh: [1, 2] });
    expect(g.numCells).toBe(16);
    // [0.3, 1.9] → [1, 3]: 1 · 4 + 3.
    expect(host(g.cell(np.array([0.3, 1.9], "float32")))).toEqual([7]);
    expect(host(makeGrid(new Discrete(5, 2), { gridSize: [20], obsLow: null, obsHigh: null }).cell(np.array([2, 6], "int32")))).toEqual([0, 4]);
  });

  it("names what is wrong with a grid", () => {
    expect(() => makeGrid(new Box(-Infinity, Infinity, [2]), { gridSize: [4], obsLow: null, obsHigh: null })).toThrow(/obsLow\[0\] is -Infinity.*give finite bounds/);
    expect(() => makeGrid(box, { gridSize: [4, 4, 4], obsLow: null, obsHigh: null })).toThrow(/gridSize = \[4, 4, 4\] must have 1 or 2 values/);
    expect(() => makeGrid(box, { gridSize: [4], obsLow: [0, 0], obsHigh: [0, 1] })).toThrow(/obsHigh\[0\] = 0 must exceed obsLow\[0\] = 0/);
    expect(() => new QLearningAgent({}, box, new Box(-1, 1, [1]))).toThrow(/needs a Discrete action space/);
  });
});

describe("ε-greedy", () => {
  it("ε = max(ε₀ · decay^(envSteps / numEnvs), εmin); ε = 0 acts greedily, ε = 1 uniformly", () => {
    const a = new QLearningAgent({ epsilon: 0.5, epsilonDecay: 0.9, epsilonMin: 0.1, numEnvs: 4 }, new Discrete(2), new Discrete(3));
    expect(host(a.epsilon(np.array(8, "int32")))[0]).toBeCloseTo(0.5 * 0.81, 6);
    expect(host(a.epsilon(np.array(400, "int32")))[0]).toBeCloseTo(0.1, 6);
    const state = { params: { table: np.array([[0, 3, 1], [2, 0, 1]], "float32") }, obsNorm: null, extra: null };
    const obs = np.array([0, 1, 0, 1], "int32");
    const greedy = new QLearningAgent({ epsilon: 0, epsilonMin: 0 }, new Discrete(2), new Discrete(3));
    expect(host(greedy.computeActions(state, { obs }, random.key(0))[0])).toEqual([1, 0, 1, 0]);
    const uniform = new QLearningAgent({ epsilon: 1, epsilonDecay: 1 }, new Discrete(2), new Discrete(3));
    const acts = host(uniform.computeActions(state, { obs: np.zeros([3000], "int32") }, random.key(1))[0]);
    for (const k of [0, 1, 2]) expect(Math.abs(acts.filter((x) => x === k).length / 3000 - 1 / 3)).toBeLessThan(0.04);
  });
});
