// The SAC agent (Haarnoja et al. 2018, SB3 / CleanRL): a tanh-squashed Gaussian actor mapped
// onto the action box, twin Q critics (a vmapped ensemble of 2) with Polyak target copies, and
// the entropy temperature α — learned in log space by its own optimizer toward the target
// entropy −|A| (autoAlpha), or fixed. One update: the critics, then (every policyDelay
// updates) the actor and α, then the targets. Replay actions are env actions; learners map
// them to [-1, 1] first.
import type { Value } from "../../core/values.js";
import { valueAndGrad } from "../../core/ad.js";
import { lax } from "../../lax/index.js";
import { numpy as np } from "../../numpy/index.js";
import { random } from "../../random/index.js";
import { nn, type MLPParams } from "../../nn/index.js";
import { optim, type GradientTransformation } from "../../optim/index.js";
import type { Space } from "../../envs/spaces.js";
import type { RunningStats } from "../../envs/wrappers/running_stats.js";
import { checkTraced, pickOptions, resolveConfig } from "../common/config.js";
import {
  actionBox,
  adamWith,
  boxObsShape,
  qEnsemble,
  replayLoop,
  runUpdates,
  scaleAction,
  type ActionBox,
  type ReplayLoop,
} from "../common/continuous.js";
import { initObsStats, obsFeatures, updateObsStats } from "../common/obs.js";
import { updateTarget } from "../common/target.js";
import { deviceOptimizers } from "../common/parallel.js";
import type { AgentState, Extras, OffPolicyAgent, OptStates, ReplayBatch, SampleBatch, UpdateContext, UpdateResult } from "../types.js";
import { SAC_SCHEMA, SAC_SWEEPABLE, type SACOptions } from "./config.js";
import { sacActorLoss, sacAlphaLoss, sacCriticLoss, sacPolicy, sacSample, type SACNets } from "./loss.js";

export interface SACParams {
  actor: MLPParams;
  /** Stacked twin critics (leading axis 2). */
  critic: MLPParams;
  /** log α (a scalar), present when autoAlpha. */
  alpha?: Value;
}
export type SACState = AgentState<SACParams, RunningStats, { targetCritic: MLPParams }>;

export class SACAgent implements OffPolicyAgent<SACState> {
  readonly name = "SAC";
  readonly options: SACOptions;
  readonly loop: ReplayLoop;
  readonly traced: Readonly<Record<string, Value>>;
  readonly box: ActionBox;
  readonly obsShape: readonly number[];
  readonly nets: SACNets;
  readonly #actorNet: ReturnType<typeof nn.MLP>;

  constructor(options: Partial<SACOptions> & Record<string, unknown>, obsSpace: Space, actionSpace: Space, traced: Record<string, Value> = {}) {
    const pick = pickOptions(options, SAC_SCHEMA);
    this.traced = checkTraced("SAC", traced, SAC_SWEEPABLE);
    this.options = resolveConfig<SACOptions>(SAC_SCHEMA, pick, "SAC");
    if (!(this.options.logStdMin < this.options.logStdMax)) throw new TypeError(`SAC: logStdMin = ${this.options.logStdMin} must be less than logStdMax = ${this.options.logStdMax}`);
    this.loop = Object.freeze(replayLoop(options));
    this.obsShape = boxObsShape(obsSpace, "SAC");
    this.box = actionBox(actionSpace, "SAC");
    const o = this.options;
    const actorNet = nn.MLP({ hiddenSizes: o.hiddenSizes, activation: o.activation, outputSize: 2 * this.box.dim });
    this.#actorNet = actorNet;
    this.nets = {
      actor: (p, x) => {
        const [mean, logStd] = np.split(actorNet.apply(p, x), 2, -1);
        return [mean!, logStd!];
      },
      critic: qEnsemble(2, o.hiddenSizes, o.activation),
      logStdMin: o.logStdMin,
      logStdMax: o.logStdMax,
    };
    Object.freeze(this);
  }

  h(name: keyof SACOptions & string): number | Value {
    return this.traced[name] ?? (this.options[name] as number);
  }

  get obsDim(): number {
    return this.obsShape.reduce((a, b) => a * b, 1);
  }

  /** The entropy α tunes toward: the option, else −|A|. */
  get targetEntropy(): number | Value {
    return this.traced.targetEntropy ?? this.options.targetEntropy ?? -this.box.dim;
  }

  optimizers(): Record<string, GradientTransformation> {
    const o = this.options;
    const critic = runUpdates(this.loop);
    const actor = Math.max(1, Math.ceil(critic / o.policyDelay));
    const opts: Record<string, GradientTransformation> = {
      actor: adamWith(this.h("policyLr"), o.annealLr ? actor : null, o.maxGradNorm),
      critic: adamWith(this.h("qLr"), o.annealLr ? critic : null, o.maxGradNorm),
    };
    if (o.autoAlpha) opts.alpha = adamWith(this.h("alphaLr"), o.annealLr ? actor : null, null);
    return opts;
  }

  init(key: Value, obsSpace: Space, actionSpace: Space): SACState {
    boxObsShape(obsSpace, "SAC");
    if (actionBox(actionSpace, "SAC").dim !== this.box.dim) throw new TypeError(`SAC.init: this agent was built for ${this.box.dim} action dimensions, not ${actionSpace}`);
    const params: SACParams = { actor: this.#actorNet.init(random.foldIn(key, 0), [this.obsDim]), critic: this.nets.critic.init(random.foldIn(key, 1), this.obsDim, this.box.dim) };
    if (this.options.autoAlpha) params.alpha = np.log(np.astype(np.asArray(this.h("alpha")), "float32"));
    return { params, obsNorm: initObsStats(this.obsShape, this.options.normalizeObs), extra: { targetCritic: params.critic } };
  }

  /** The current α (exp of the learned log α, or the fixed one). */
  alpha(state: SACState): number | Value {
    return state.params.alpha !== undefined ? np.exp(state.params.alpha) : this.h("alpha");
  }

  features(state: SACState, obs: Value): Value {
    return obsFeatures(obs, this.obsShape, state.obsNorm);
  }

  normalize(actions: Value): Value {
    return np.clip(np.divide(np.subtract(np.astype(actions, "float32"), this.box.center), this.box.halfWidth), -1, 1);
  }

  computeActions(state: SACState, batch: SampleBatch, key: Value): [Value, Extras] {
    const pi = sacPolicy(this.nets, state.params.actor, this.features(state, batch.obs));
    const [a] = sacSample(pi, random.normal(key, pi.loc.shape));
    return [scaleAction(this.box, a), {}];
  }

  /** tanh of the Gaussian's mean, mapped to the box. */
  evaluateActions(state: SACState, batch: SampleBatch, _key: Value): [Value, Extras] {
    return [scaleAction(this.box, sacPolicy(this.nets, state.params.actor, this.features(state, batch.obs)).mode()), {}];
  }

  updateStats(state: SACState, batch: SampleBatch, batchAxes: number): SACState {
    return state.obsNorm ? { ...state, obsNorm: updateObsStats(state.obsNorm, batch.obs as Value, this.obsShape, batchAxes) } : state;
  }

  update(state: SACState, optStates: OptStates, batch: ReplayBatch, ctx: UpdateContext): UpdateResult<SACState> {
    const o = this.options;
    const opts = deviceOptimizers(this.optimizers(), ctx.devices);
    const p = state.params;
    const x = this.features(state, batch.obs);
    const b = { x, nextX: this.features(state, batch.nextObs), u: this.normalize(batch.actions), rewards: np.astype(batch.rewards, "float32"), discount: batch.extras.discount! };
    const shape = b.u.shape;
    const [k1, k2] = [random.foldIn(ctx.key, 1), random.foldIn(ctx.key, 2)];
    const alpha = p.alpha !== undefined ? lax.stopGradient(np.exp(p.alpha)) : this.h("alpha");

    const criticGrad = valueAndGrad((c: MLPParams) => sacCriticLoss(this.nets, c, p.actor, state.extra!.targetCritic, b, alpha, random.normal(k1, shape)), { hasAux: true });
    const [[criticLoss, aux], gc] = criticGrad(p.critic) as [[Value, Record<string, Value>], MLPParams];
    const [cu, criticOpt] = opts.critic!.update(gc, optStates.critic, p.critic);
    const critic = optim.applyUpdates(p.critic, cu);

    // The actor and α (every policyDelay updates), with the just-updated critics.
    type A = { actor: MLPParams; actorOpt: unknown; logAlpha: Value | null; alphaOpt: unknown; loss: Value; alphaLoss: Value; entropy: Value };
    const eps = random.normal(k2, shape);
    const actorStep = (actor: MLPParams, actorOpt: unknown, logAlpha: Value | null, alphaOpt: unknown): A => {
      const [[loss, logp], ga] = valueAndGrad((q: MLPParams) => sacActorLoss(this.nets, q, critic, x, alpha, eps), { hasAux: true })(actor) as [[Value, Value], MLPParams];
      const [au, actorOpt2] = opts.actor!.update(ga, actorOpt, actor);
      const out: A = { actor: optim.applyUpdates(actor, au), actorOpt: actorOpt2, logAlpha, alphaOpt, loss, alphaLoss: np.zeros([], "float32"), entropy: np.negative(np.mean(logp)) };
      if (logAlpha !== null) {
        const [alphaLoss, gl] = valueAndGrad((la: Value) => sacAlphaLoss(la, logp, this.targetEntropy))(logAlpha) as [Value, Value];
        const [lu, alphaOpt2] = opts.alpha!.update(gl, alphaOpt, logAlpha);
        Object.assign(out, { logAlpha: optim.applyUpdates(logAlpha, lu), alphaOpt: alphaOpt2, alphaLoss });
      }
      return out;
    };
    const skip = (actor: MLPParams, actorOpt: unknown, logAlpha: Value | null, alphaOpt: unknown): A => {
      const [loss, logp] = sacActorLoss(this.nets, actor, critic, x, alpha, eps);
      return { actor, actorOpt, logAlpha, alphaOpt, loss, alphaLoss: logAlpha === null ? np.zeros([], "float32") : sacAlphaLoss(logAlpha, logp, this.targetEntropy), entropy: np.negative(np.mean(logp)) };
    };
    const args = [p.actor, optStates.actor, p.alpha ?? null, optStates.alpha ?? null] as const;
    const a = o.policyDelay === 1 ? actorStep(...args) : lax.cond(np.equal(np.remainder(ctx.counters.updates, o.policyDelay), 0), actorStep, skip, ...args);

    const params: SACParams = { actor: a.actor, critic };
    const nextOpt: OptStates = { actor: a.actorOpt, critic: criticOpt };
    if (a.logAlpha !== null) {
      params.alpha = a.logAlpha;
      nextOpt.alpha = a.alphaOpt;
    }
    return {
      agentState: { ...state, params, extra: { targetCritic: updateTarget(state.extra!.targetCritic, critic, ctx.counters.updates, { tau: this.h("tau"), every: 1 }) } },
      optStates: nextOpt,
      metrics: { "loss/critic": criticLoss, "loss/actor": a.loss, "loss/alpha": a.alphaLoss, alpha: np.asArray(alpha), entropy: a.entropy, qMean: aux.qMean!, targetMean: aux.targetMean! },
      updates: 1,
    };
  }
}

export function makeSACAgent(options: Partial<SACOptions> & Record<string, unknown>, obsSpace: Space, actionSpace: Space, traced: Record<string, Value> = {}): SACAgent {
  return new SACAgent(options, obsSpace, actionSpace, traced);
}
