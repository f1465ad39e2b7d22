// Tabular Q-learning (rlib's QLearning, Watkins 1989) as an on-policy-loop agent: acting is
// ε-greedy over the Q-table row of the observation's cell; the update walks the [T, B]
// rollout in time order, and at each time step moves every visited (s, a) by α times the mean
// TD error of the envs that visited it: Q(s,a) += α (r + γ (1 − terminated) maxₐ′ Q(s′,a′)
// − Q(s,a)). Truncated episodes bootstrap (their s′ is the real final observation). Q-learning
// is off-policy, so acting with the table of the rollout's start is still Q-learning; with
// numSteps = 1 every step's update is seen by the next action. The table is the params.
import type { Value } from "../../core/values.js";
import { lax } from "../../lax/index.js";
import { numpy as np } from "../../numpy/index.js";
import { random } from "../../random/index.js";
import { Discrete, type Space } from "../../envs/spaces.js";
import type { GradientTransformation } from "../../optim/index.js";
import { checkTraced, pickOptions, resolveConfig } from "../common/config.js";
import { checkInitSpaces } from "../common/spaces.js";
import type { AgentState, Extras, OnPolicyAgent, OptStates, SampleBatch, Trajectory, UpdateContext, UpdateResult } from "../types.js";
import { QLEARNING_SCHEMA, type QLearningOptions } from "./config.js";
import { makeGrid, type Grid } from "./grid.js";

export interface QLearningParams {
  /** Q-values, [numCells, numActions]. */
  table: Value;
}

export type QLearningState = AgentState<QLearningParams, null, null>;

/** What the update needs besides the options: the discount and how many envs act at once (ε decays per vector step). */
export interface QLearningLoop {
  gamma: number | Value;
  numEnvs: number;
}

export class QLearningAgent implements OnPolicyAgent<QLearningState> {
  readonly name = "QLearning";
  /** A table moved by each device's own visits would drift apart across replicas. */
  readonly dataParallelUnsupported = "the tabular update has no gradients to average; use numDevices = 1";
  readonly options: QLearningOptions;
  readonly loop: QLearningLoop;
  readonly grid: Grid;
  readonly numActions: number;
  readonly traced: Readonly<Record<string, Value>>;
  readonly #obsSpace: Space;
  readonly #actionSpace: Discrete;

  /** Options are checked against QLEARNING_SCHEMA (other keys are ignored); gamma and numEnvs come from the loop's options. */
  constructor(options: Partial<QLearningOptions> & Record<string, unknown>, obsSpace: Space, actionSpace: Space, traced: Record<string, Value> = {}) {
    const pick = pickOptions(options, QLEARNING_SCHEMA);
    this.traced = checkTraced("QLearning", traced, ["lr", "gamma"]);
    this.options = resolveConfig<QLearningOptions>(QLEARNING_SCHEMA, pick, "QLearning");
    this.loop = Object.freeze({
      gamma: traced.gamma ?? (typeof options.gamma === "number" ? options.gamma : 0.99),
      numEnvs: typeof options.numEnvs === "number" ? options.numEnvs : 1,
    });
    if (!(actionSpace instanceof Discrete)) throw new TypeError(`QLearning: needs a Discrete action space, got ${actionSpace}`);
    this.grid = makeGrid(obsSpace, this.options);
    this.numActions = actionSpace.n;
    this.#obsSpace = obsSpace;
    this.#actionSpace = actionSpace;
    Object.freeze(this);
  }

  lr(): number | Value {
    return this.traced.lr ?? this.options.lr;
  }

  /** ε after `envSteps` env steps: ε₀ · decay^(envSteps / numEnvs), floored at epsilonMin. */
  epsilon(envSteps?: Value): Value {
    const o = this.options;
    if (envSteps === undefined || o.epsilonDecay === 1) return np.array(Math.max(o.epsilon, o.epsilonMin), "float32");
    const t = np.divide(np.astype(envSteps, "float32"), this.loop.numEnvs);
    return np.maximum(np.multiply(o.epsilon, np.power(o.epsilonDecay, t)), o.epsilonMin);
  }

  optimizers(): Record<string, GradientTransformation> {
    return {};
  }

  init(_key: Value, obsSpace: Space, actionSpace: Space): QLearningState {
    checkInitSpaces("QLearning", { obs: this.#obsSpace, action: this.#actionSpace }, obsSpace, actionSpace);
    return { params: { table: np.full([this.grid.numCells, this.numActions], this.options.initValue, "float32") }, obsNorm: null, extra: null };
  }

  /** Q-values of a batch of observations, [...batch, numActions]. */
  qValues(state: QLearningState, obs: Value): Value {
    return np.take(state.params.table, this.grid.cell(obs), 0);
  }

  computeActions(state: QLearningState, batch: SampleBatch, key: Value, envSteps?: Value): [Value, Extras] {
    const greedy = np.astype(np.argmax(this.qValues(state, batch.obs), -1), "int32");
    const ks = random.split(key);
    const explore = np.less(random.uniform(ks.get(0), greedy.shape), this.epsilon(envSteps));
    const rand = random.randint(ks.get(1), greedy.shape, 0, this.numActions);
    return [np.where(explore, rand, greedy), {}];
  }

  evaluateActions(state: QLearningState, batch: SampleBatch, _key: Value): [Value, Extras] {
    return [np.astype(np.argmax(this.qValues(state, batch.obs), -1), "int32"), {}];
  }

  toEnvAction(a: Value): Value {
    const s = this.#actionSpace.start;
    return s ? np.add(a, s) : a;
  }

  /** One tabular step on the transitions of one time step ([B] each); returns the new table and the mean |TD error|. */
  tabularStep(table: Value, t: { obs: Value; actions: Value; rewards: Value; nextObs: Value; terminated: Value }): [Value, Value] {
    const A = this.numActions;
    const s = this.grid.cell(t.obs);
    const s2 = this.grid.cell(t.nextObs);
    const a = np.astype(t.actions, "int32");
    const flatIdx = np.add(np.multiply(s, A), a);
    const flat = np.reshape(table, [-1]);
    const q = np.take(flat, flatIdx, 0);
    const next = np.max(np.take(table, s2, 0), -1);
    const notDone = np.subtract(1, np.astype(t.terminated, "float32"));
    const target = np.add(np.astype(t.rewards, "float32"), np.multiply(np.multiply(this.loop.gamma, notDone), next));
    const td = np.subtract(target, q);
    // The envs that visited the same (s, a) at this step share one step of α · their mean TD error.
    const sums = np.zerosLike(flat).at(flatIdx).add(td);
    const counts = np.zerosLike(flat).at(flatIdx).add(1);
    const moved = np.add(flat, np.multiply(this.lr(), np.divide(sums, np.maximum(counts, 1))));
    return [np.reshape(moved, table.shape), np.mean(np.abs(td))];
  }

  update(state: QLearningState, optStates: OptStates, traj: Trajectory, ctx: UpdateContext): UpdateResult<QLearningState> {
    if (ctx.devices) throw new TypeError(`Q-learning: numDevices > 1 is not supported: ${this.dataParallelUnsupported}`);
    const T = traj.rewards.shape[0]!;
    const [table, td] = lax.scan(
      (tab: Value, x: { obs: Value; actions: Value; rewards: Value; nextObs: Value; terminated: Value }): [Value, Value] => this.tabularStep(tab, x),
      state.params.table,
      { obs: traj.obs, actions: traj.actions, rewards: traj.rewards, nextObs: traj.nextObs, terminated: traj.terminated },
    );
    return {
      agentState: { ...state, params: { table } },
      optStates,
      metrics: { "loss/tdError": np.mean(td), epsilon: this.epsilon(ctx.counters.envSteps) },
      updates: T,
    };
  }
}
