// Tabular Q-learning's options (rlib's QLearning): the grid over a Box observation space, the
// step size, ε-greedy exploration with decay and floor. The rollout loop's options (envs,
// steps, discount) belong to OnPolicyWorkflow; the registry entry joins both.
import type { Schema } from "../common/config.js";

export interface QLearningOptions {
  lr: number;
  epsilon: number;
  epsilonDecay: number;
  epsilonMin: number;
  gridSize: number[];
  obsLow: number[] | null;
  obsHigh: number[] | null;
  initValue: number;
}

export const QLEARNING_SCHEMA: Schema = {
  lr: { kind: "number", default: 0.1, gt: 0, max: 1, doc: "α, the step size of Q(s,a) += α (r + γ maxₐ′ Q(s′,a′) − Q(s,a))" },
  epsilon: { kind: "number", default: 1, min: 0, max: 1, doc: "initial ε of ε-greedy exploration (rlib's epsilon_greedy)" },
  epsilonDecay: { kind: "number", default: 0.99998, gt: 0, max: 1, doc: "ε is multiplied by this every vector step (every numEnvs env steps)" },
  epsilonMin: { kind: "number", default: 0.01, min: 0, max: 1, doc: "ε never decays below this (rlib's epsilon_min)" },
  gridSize: { kind: "ints", default: [20], doc: "Box observations: cells per dimension (one value: the same for every dimension; rlib's grid_size)" },
  obsLow: { kind: "numbers", default: null, nullable: true, doc: "Box observations: the grid's lower bounds per dimension (values below fall in the first cell); null: the space's (must be finite)" },
  obsHigh: { kind: "numbers", default: null, nullable: true, doc: "Box observations: the grid's upper bounds per dimension (values above fall in the last cell); null: the space's (must be finite)" },
  initValue: { kind: "number", default: 0, doc: "initial value of every Q-table entry" },
};

/** Hyperparameters that may be traced scalars (swept by trainMany). */
export const QLEARNING_SWEEPABLE = ["lr", "gamma"] as const;
