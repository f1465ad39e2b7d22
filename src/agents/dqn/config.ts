// DQN's own options (rlib's DeepQLearning, SB3's DQN): the network, the TD target and the
// exploration schedule. The replay loop's options (buffer, batch, learning starts, update
// every, updates per step, discount, n-step) belong to OffPolicyWorkflow.
import type { Schema } from "../common/config.js";

export interface DQNOptions {
  lr: number;
  annealLr: boolean;
  adamEps: number;
  maxGradNorm: number | null;
  hiddenSizes: number[];
  activation: "relu" | "tanh" | "elu" | "gelu" | "silu";
  dueling: boolean;
  double: boolean;
  loss: "huber" | "mse";
  epsilonStart: number;
  epsilonMin: number;
  explorationFraction: number;
  targetUpdateEvery: number;
  tau: number;
  normalizeObs: boolean;
}

export const DQN_SCHEMA: Schema = {
  lr: { kind: "number", default: 1e-4, gt: 0, doc: "Adam's learning rate" },
  annealLr: { kind: "bool", default: false, doc: "anneal the learning rate linearly to 0 over the run's gradient updates" },
  adamEps: { kind: "number", default: 1e-8, gt: 0, doc: "Adam's ε" },
  maxGradNorm: { kind: "number", default: 10, gt: 0, nullable: true, doc: "clip gradients to this global norm; null: no clipping" },
  hiddenSizes: { kind: "ints", default: [64, 64], doc: "hidden layer widths of the Q-network" },
  activation: { kind: "enum", default: "relu", values: ["relu", "tanh", "elu", "gelu", "silu"], doc: "hidden activation" },
  dueling: { kind: "bool", default: false, doc: "dueling heads (Wang et al. 2016): Q = V + A − mean(A)" },
  double: { kind: "bool", default: false, doc: "Double DQN (van Hasselt et al. 2016): the target net evaluates the online net's argmax" },
  loss: { kind: "enum", default: "huber", values: ["huber", "mse"], doc: "TD-error loss: Huber (δ = 1, SB3) or ½ squared error (rlax's l2)" },
  epsilonStart: { kind: "number", default: 1, min: 0, max: 1, doc: "ε-greedy: exploration rate at the start" },
  epsilonMin: { kind: "number", default: 0.05, min: 0, max: 1, doc: "ε-greedy: the floor ε decays to" },
  explorationFraction: { kind: "number", default: 0.1, gt: 0, max: 1, doc: "fraction of totalSteps over which ε decays linearly from epsilonStart to epsilonMin" },
  targetUpdateEvery: { kind: "int", default: 1000, min: 1, doc: "update the target network every this many gradient updates" },
  tau: { kind: "number", default: 1, gt: 0, max: 1, doc: "target update coefficient: 1 copies the online net, < 1 is Polyak averaging" },
  normalizeObs: { kind: "bool", default: false, doc: "normalize observations by running mean and variance (kept in the agent state)" },
};

export const DQN_SWEEPABLE = ["lr", "gamma", "tau", "epsilonMin"] as const;
