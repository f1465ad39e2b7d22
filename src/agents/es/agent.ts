// The ES agent: a deterministic policy MLP (argmax over Discrete actions; tanh rescaled to a
// bounded Box, raw outputs for an unbounded one) whose parameters are searched by evolution
// strategies. AgentState.params is the search's mean; ESSearch carries σ and the optimizer's
// state. ask: θ + σεᵢ for εᵢ drawn from the key; tell: the same εᵢ regenerated from the key,
// ĝ from the shaped fitness, one optax step on −ĝ (plus weight decay), σ decayed.
import type { Value } from "../../core/values.js";
import { numpy as np } from "../../numpy/index.js";
import { nn, type Module } from "../../nn/index.js";
import { optim, type GradientTransformation } from "../../optim/index.js";
import { Box, Discrete, type Space } from "../../envs/spaces.js";
import { checkInitSpaces, policySpaces } from "../common/spaces.js";
import type { RunningStats } from "../../envs/wrappers/running_stats.js";
import { checkTraced, pickOptions, resolveConfig } from "../common/config.js";
import { initObsStats, obsFeatures } from "../common/obs.js";
import { ravelPytree } from "../common/ravel.js";
import type { AgentState, EvolutionAgent, Extras, PopulationFeedback, SampleBatch, TellResult, UpdateContext } from "../types.js";
import { ES_SCHEMA, type ESOptions } from "./config.js";
import { esGradient, esNoise, shapeFitness } from "./estimate.js";

export type ESParams = unknown;
export type ESState = AgentState<ESParams, RunningStats, null>;

export interface ESSearch {
  /** The current noise standard deviation (decays by sigmaDecay to sigmaMin). */
  sigma: Value;
  /** The optimizer's state (its count drives the lr decay). */
  optState: unknown;
}

const TRACEABLE = ["lr", "sigma", "weightDecay"];

export class ESAgent implements EvolutionAgent<ESState, ESSearch> {
  readonly name = "ES";
  readonly options: ESOptions;
  readonly traced: Readonly<Record<string, Value>>;
  readonly popSize: number;
  readonly wantsObsMoments: boolean;
  readonly discrete: boolean;
  readonly obsShape: readonly number[];
  readonly actionDim: number;
  readonly net: Module;
  readonly #obsSpace: Space;
  readonly #actionSpace: Space;

  /** Options are checked against ES_SCHEMA (missing ones take their defaults; other keys are ignored). */
  constructor(options: Partial<ESOptions> & Record<string, unknown>, obsSpace: Space, actionSpace: Space, traced: Record<string, Value> = {}) {
    const pick = pickOptions(options, ES_SCHEMA);
    checkTraced("ES", traced, TRACEABLE);
    this.options = resolveConfig<ESOptions>(ES_SCHEMA, pick, "ES");
    this.traced = Object.freeze({ ...traced });
    this.popSize = this.options.popSize;
    if (this.options.mirrored && this.popSize % 2 !== 0) throw new TypeError(`ES: mirrored sampling needs an even popSize, got popSize = ${this.popSize}`);
    this.wantsObsMoments = this.options.normalizeObs;
    ({ obsShape: this.obsShape, discrete: this.discrete, actionDim: this.actionDim } = policySpaces("ES", obsSpace, actionSpace));
    this.#obsSpace = obsSpace;
    this.#actionSpace = actionSpace;
    this.net = nn.MLP({ hiddenSizes: this.options.hiddenSizes, activation: this.options.activation, outputSize: this.actionDim });
    Object.freeze(this);
  }

  /** A hyperparameter: the traced (swept) value if any, else the option's. */
  h(name: "lr" | "sigma" | "weightDecay"): number | Value {
    return this.traced[name] ?? this.options[name];
  }

  /** The learning rate after `count` updates: lr · lrDecay^count, floored at lrMin. */
  learningRate(count: Value | number): Value {
    const o = this.options;
    const lr = np.astype(np.asArray(this.h("lr")), "float32");
    if (o.lrDecay === 1) return lr;
    return np.maximum(np.multiply(lr, np.power(o.lrDecay, np.astype(np.asArray(count), "float32"))), o.lrMin);
  }

  /** The optimizer applied to the descent direction −ĝ (+ weight decay · θ). */
  optimizer(): GradientTransformation {
    const o = this.options;
    const lr = (count: Value | number) => this.learningRate(count);
    const step = o.optimizer === "adam" ? optim.adam({ learningRate: lr, b1: o.adamB1, b2: o.adamB2, eps: o.adamEps }) : optim.sgd({ learningRate: lr });
    const wd = this.h("weightDecay");
    return typeof wd === "number" && wd === 0 ? step : optim.chain(optim.addDecayedWeights(wd), step);
  }

  init(key: Value, obsSpace: Space, actionSpace: Space): ESState {
    checkInitSpaces("ES", { obs: this.#obsSpace, action: this.#actionSpace }, obsSpace, actionSpace);
    const flat = [this.obsShape.reduce((a, b) => a * b, 1)];
    return { params: this.net.init(key, flat), obsNorm: initObsStats(this.obsShape, this.options.normalizeObs), extra: null };
  }

  initSearch(agentState: ESState): ESSearch {
    return { sigma: np.astype(np.asArray(this.h("sigma")), "float32"), optState: this.optimizer().init(agentState.params) };
  }

  ask(agentState: ESState, search: ESSearch, key: Value): unknown {
    const r = ravelPytree(agentState.params);
    const noise = esNoise(key, this.popSize, r.size, this.options.mirrored);
    return r.unravelBatched(np.add(np.expandDims(r.flat, 0), np.multiply(search.sigma, noise)));
  }

  tell(agentState: ESState, search: ESSearch, key: Value, fb: PopulationFeedback, ctx: UpdateContext): TellResult<ESState, ESSearch> {
    const o = this.options;
    const r = ravelPytree(agentState.params);
    const noise = esNoise(key, this.popSize, r.size, o.mirrored);
    const g = esGradient(noise, shapeFitness(fb.fitness, o.fitnessShaping), search.sigma, o.mirrored);
    const opt = this.optimizer();
    const [updates, optState] = opt.update(r.unravel(np.negative(g)), search.optState, agentState.params);
    const params = optim.applyUpdates(agentState.params, updates);
    let obsNorm = agentState.obsNorm;
    if (obsNorm && fb.obsMoments) obsNorm = mergeMoments(obsNorm, fb.obsMoments);
    const sigma = o.sigmaDecay === 1 ? search.sigma : np.maximum(np.multiply(search.sigma, o.sigmaDecay), o.sigmaMin);
    return {
      agentState: { ...agentState, params, obsNorm },
      search: { sigma, optState },
      metrics: { sigma: search.sigma, lr: this.learningRate(ctx.counters.updates), gradNorm: np.sqrt(np.sum(np.square(g))) },
    };
  }

  /** Flattened float observations, normalized when the agent keeps statistics. */
  features(state: ESState, obs: Value): Value {
    return obsFeatures(obs, this.obsShape, state.obsNorm);
  }

  /** The policy's deterministic action: ES explores in parameter space, not in actions. */
  computeActions(state: ESState, batch: SampleBatch, _key: Value): [Value, Extras] {
    const out = this.net.apply(state.params, this.features(state, batch.obs));
    return [this.discrete ? np.argmax(out, -1) : out, {}];
  }

  evaluateActions(state: ESState, batch: SampleBatch, key: Value): [Value, Extras] {
    return this.computeActions(state, batch, key);
  }

  toEnvAction(a: Value): Value {
    const sp = this.#actionSpace;
    if (sp instanceof Discrete) return sp.start ? np.add(np.astype(a, "int32"), sp.start) : np.astype(a, "int32");
    const box = sp as Box;
    if (!box.bounded) return a;
    return np.add(box.low, np.multiply(np.multiply(np.add(np.tanh(a), 1), 0.5), np.subtract(box.high, box.low)));
  }
}

/** Running statistics merged with a batch given by its count, sum and sum of squares (Chan et al.). */
export function mergeMoments(s: RunningStats, m: { count: Value; sum: Value; sumSq: Value }): RunningStats {
  const n = np.maximum(m.count, 1);
  const bMean = np.divide(m.sum, n);
  const bVar = np.maximum(np.subtract(np.divide(m.sumSq, n), np.square(bMean)), 0);
  const delta = np.subtract(bMean, s.mean);
  const tot = np.add(s.count, m.count);
  const mean = np.add(s.mean, np.divide(np.multiply(delta, m.count), tot));
  const m2 = np.add(np.add(np.multiply(s.var, s.count), np.multiply(bVar, m.count)), np.divide(np.multiply(np.multiply(np.square(delta), s.count), m.count), tot));
  return { mean, var: np.divide(m2, tot), count: tot };
}
