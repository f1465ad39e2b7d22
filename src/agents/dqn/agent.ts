// DQN (Mnih et al. 2015) with the Double (van Hasselt et al. 2016) and dueling (Wang et al.
// 2016) options: a Q-network over flattened (optionally normalized) observations, ε-greedy
// exploration on a linear schedule of the run's env steps, and a learner that regresses
// Q(s, a) onto r + discount · Q_target(s′, ·) — discount from the replay batch, so a
// terminated transition does not bootstrap and a truncated one does.
import type { Value } from "../../core/values.js";
import { valueAndGrad } from "../../core/ad.js";
import { numpy as np } from "../../numpy/index.js";
import { random } from "../../random/index.js";
import { nn, type Module } from "../../nn/index.js";
import { optim, type GradientTransformation } from "../../optim/index.js";
import { Box, Discrete, type Space } from "../../envs/spaces.js";
import type { RunningStats } from "../../envs/wrappers/running_stats.js";
import { checkTraced, pickOptions, resolveConfig } from "../common/config.js";
import { initObsStats, obsFeatures, updateObsStats } from "../common/obs.js";
import { updateTarget } from "../common/target.js";
import { deviceOptimizer } from "../common/parallel.js";
import type { AgentState, Extras, OffPolicyAgent, OptStates, ReplayBatch, SampleBatch, UpdateContext, UpdateResult } from "../types.js";
import { DQN_SCHEMA, DQN_SWEEPABLE, type DQNOptions } from "./config.js";
import { dqnLoss } from "./loss.js";

export interface QNetParams {
  torso: unknown;
  /** Q-values head, or the advantage head when dueling. */
  head: unknown;
  /** Dueling only: the state-value head. */
  value?: unknown;
}

export type DQNState = AgentState<QNetParams, RunningStats, { target: QNetParams }>;

type Num = number | Value;

export class DQNAgent implements OffPolicyAgent<DQNState> {
  readonly name = "DQN";
  readonly options: DQNOptions;
  readonly numActions: number;
  readonly actionStart: number;
  readonly obsShape: readonly number[];
  /** Env steps over which ε decays (explorationFraction × totalSteps). */
  readonly decaySteps: number;
  /** Gradient updates of the whole run (the horizon of annealLr). */
  readonly totalUpdates: number;
  readonly traced: Readonly<Record<string, Value>>;
  readonly #torso: Module;
  readonly #head: Module;
  readonly #value: Module;
  readonly #spaces: string;

  constructor(options: Partial<DQNOptions> & Record<string, unknown>, obsSpace: Space, actionSpace: Space, traced: Record<string, Value> = {}) {
    this.options = resolveConfig<DQNOptions>(DQN_SCHEMA, pickOptions(options, DQN_SCHEMA), "DQN");
    this.traced = checkTraced("DQN", traced, DQN_SWEEPABLE);
    if (!(actionSpace instanceof Discrete)) throw new TypeError(`DQN: needs Discrete actions, got ${actionSpace} (for Box actions use ddpg, td3 or sac)`);
    if (!(obsSpace instanceof Box)) throw new TypeError(`DQN: needs a Box observation space, got ${obsSpace}`);
    this.numActions = actionSpace.n;
    this.actionStart = actionSpace.start ?? 0;
    this.obsShape = obsSpace.shape;
    const total = typeof options.totalSteps === "number" ? options.totalSteps : 100_000;
    this.decaySteps = Math.max(1, Math.round(this.options.explorationFraction * total));
    const loop = (k: string, d: number) => (typeof options[k] === "number" ? (options[k] as number) : d);
    const perPhase = loop("numEnvs", 1) * loop("trainFreq", 1);
    this.totalUpdates = Math.max(1, Math.floor(Math.max(0, total - loop("learningStarts", 0)) / perPhase) * loop("gradientSteps", 1));
    this.#spaces = `${obsSpace} → ${actionSpace}`;
    const o = this.options;
    this.#torso = nn.MLP({ hiddenSizes: o.hiddenSizes, activation: o.activation });
    this.#head = nn.Dense(this.numActions);
    this.#value = nn.Dense(1);
    Object.freeze(this);
  }

  /** A hyperparameter: the traced (swept) value if any, else the option's. */
  h(name: keyof DQNOptions | "gamma"): Num {
    return this.traced[name] ?? (this.options as unknown as Record<string, number>)[name]!;
  }

  init(key: Value, obsSpace: Space, actionSpace: Space): DQNState {
    if (`${obsSpace} → ${actionSpace}` !== this.#spaces) throw new TypeError(`DQN.init: this agent was built for ${this.#spaces}, not ${obsSpace} → ${actionSpace}`);
    const ks = random.split(key, 3);
    const flat = [this.obsShape.reduce((a, b) => a * b, 1)];
    const hidden = [this.options.hiddenSizes.at(-1) ?? flat[0]!];
    const params: QNetParams = { torso: this.#torso.init(ks.get(0), flat), head: this.#head.init(ks.get(1), hidden) };
    if (this.options.dueling) params.value = this.#value.init(ks.get(2), hidden);
    return { params, obsNorm: initObsStats(this.obsShape, this.options.normalizeObs), extra: { target: params } };
  }

  /** Q-values [..., numActions] of a batch of observations. */
  qValues(params: QNetParams, obsNorm: RunningStats | null, obs: Value): Value {
    const h = this.#torso.apply(params.torso, obsFeatures(obs, this.obsShape, obsNorm));
    const a = this.#head.apply(params.head, h);
    if (!this.options.dueling) return a;
    const v = this.#value.apply(params.value, h);
    return np.add(v, np.subtract(a, np.mean(a, -1, true)));
  }

  /** ε after `envSteps` env steps: linear from epsilonStart to epsilonMin over decaySteps, then flat. */
  epsilon(envSteps: Value | number): Value {
    const frac = np.minimum(np.divide(np.astype(np.asArray(envSteps), "float32"), this.decaySteps), 1);
    const lo = this.h("epsilonMin");
    return np.add(this.options.epsilonStart, np.multiply(frac, np.subtract(lo, this.options.epsilonStart)));
  }

  computeActions(state: DQNState, batch: SampleBatch, key: Value, envSteps?: Value): [Value, Extras] {
    const q = this.qValues(state.params, state.obsNorm, batch.obs);
    const greedy = np.argmax(q, -1);
    const lead = greedy.shape;
    const [kr, ke] = [random.foldIn(key, 0), random.foldIn(key, 1)];
    const rand = random.randint(kr, lead, 0, this.numActions);
    const explore = np.less(random.uniform(ke, lead), this.epsilon(envSteps ?? 0));
    return [np.add(np.where(explore, rand, greedy), this.actionStart), {}];
  }

  evaluateActions(state: DQNState, batch: SampleBatch, _key: Value): [Value, Extras] {
    return [np.add(np.argmax(this.qValues(state.params, state.obsNorm, batch.obs), -1), this.actionStart), {}];
  }

  updateStats(state: DQNState, batch: SampleBatch, batchAxes: number): DQNState {
    if (!state.obsNorm) return state;
    return { ...state, obsNorm: updateObsStats(state.obsNorm, batch.obs, this.obsShape, batchAxes) };
  }

  optimizers(): Record<string, GradientTransformation> {
    const o = this.options;
    const lr = this.h("lr");
    const schedule = (count: Value | number) => np.multiply(lr, np.maximum(np.subtract(1, np.divide(np.astype(np.asArray(count), "float32"), this.totalUpdates)), 0));
    const adam = optim.adam({ learningRate: o.annealLr ? schedule : lr, eps: o.adamEps });
    return { q: o.maxGradNorm === null ? adam : optim.chain(optim.clipByGlobalNorm(o.maxGradNorm), adam) };
  }

  update(state: DQNState, optStates: OptStates, batch: ReplayBatch, ctx: UpdateContext): UpdateResult<DQNState> {
    const target = state.extra!.target;
    const q = (p: QNetParams, obs: Value) => this.qValues(p, state.obsNorm, obs);
    const nextTarget = q(target, batch.nextObs);
    const nextOnline = this.options.double ? q(state.params, batch.nextObs) : undefined;
    const actions = np.subtract(np.astype(batch.actions, "int32"), this.actionStart);
    const lossOf = (p: QNetParams) => {
      const t = dqnLoss({ q: q(p, batch.obs), actions, rewards: batch.rewards, discount: batch.extras.discount!, nextTarget, nextOnline }, this.options.loss);
      return [t.total, t] as [Value, Record<string, Value>];
    };
    const [[, terms], grads] = valueAndGrad(lossOf, { hasAux: true })(state.params) as [[Value, Record<string, Value>], QNetParams];
    const opt = deviceOptimizer(this.optimizers().q!, ctx.devices);
    const [updates, qOpt] = opt.update(grads, optStates.q, state.params);
    const params = optim.applyUpdates(state.params, updates);
    const n = np.add(ctx.counters.updates, 1);
    const newTarget = updateTarget(target, params, n, { tau: this.h("tau"), every: this.options.targetUpdateEvery });
    const metrics: Record<string, Value> = { epsilon: this.epsilon(ctx.counters.envSteps) };
    for (const [k, v] of Object.entries(terms)) metrics[`loss/${k}`] = v;
    return { agentState: { ...state, params, extra: { target: newTarget } }, optStates: { q: qOpt }, metrics, updates: 1 };
  }
}
