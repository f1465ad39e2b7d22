// The DDPG / TD3 agent (Lillicrap et al. 2016; Fujimoto et al. 2018): a deterministic actor
// μ(s) = tanh(MLP(s)) mapped onto the action box, an ensemble of Q(s, a) critics (one for
// DDPG, two for TD3's clipped double Q), Polyak target copies of both, Gaussian exploration
// noise, and the learner: a critic step every update, an actor step and target update every
// `policyDelay` updates (TD3's delayed policy update), with target policy smoothing.
// Replay actions are env actions; learners map them to [-1, 1] first (as SB3 does).
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
import { TD3_SCHEMA, DDPG_SWEEPABLE, type DDPGOptions } from "./config.js";
import { ddpgActorLoss, ddpgCriticLoss, type DDPGNets } from "./loss.js";

export interface DDPGParams {
  actor: MLPParams;
  /** Stacked critics: a leading axis of 1 (DDPG) or 2 (twin Q). */
  critic: MLPParams;
}
export type DDPGState = AgentState<DDPGParams, RunningStats, { target: DDPGParams }>;

export class DDPGAgent implements OffPolicyAgent<DDPGState> {
  readonly name: string;
  readonly options: DDPGOptions;
  readonly loop: ReplayLoop;
  readonly traced: Readonly<Record<string, Value>>;
  readonly box: ActionBox;
  readonly obsShape: readonly number[];
  readonly nets: DDPGNets;
  readonly #actorNet: ReturnType<typeof nn.MLP>;

  /** Options: DDPG's schema keys (others, e.g. the loop's, are read for the annealing horizon or ignored); `traced`: swept hyperparameters. */
  constructor(options: Partial<DDPGOptions> & Record<string, unknown>, obsSpace: Space, actionSpace: Space, traced: Record<string, Value> = {}) {
    const pick = pickOptions(options, TD3_SCHEMA);
    this.traced = checkTraced("DDPG", traced, DDPG_SWEEPABLE);
    this.options = resolveConfig<DDPGOptions>(TD3_SCHEMA, { ...pick }, "DDPG");
    this.name = this.options.twinQ || this.options.policyDelay > 1 || this.options.targetNoise > 0 ? "TD3" : "DDPG";
    this.loop = Object.freeze(replayLoop(options));
    this.obsShape = boxObsShape(obsSpace, this.name);
    this.box = actionBox(actionSpace, this.name);
    const o = this.options;
    const actorNet = nn.MLP({ hiddenSizes: o.hiddenSizes, activation: o.activation, outputSize: this.box.dim, outputActivation: "tanh" });
    this.#actorNet = actorNet;
    this.nets = { actor: (p, x) => actorNet.apply(p, x), critic: qEnsemble(o.twinQ ? 2 : 1, o.hiddenSizes, o.activation) };
    Object.freeze(this);
  }

  /** A hyperparameter: the traced (swept) value if any, else the option's. */
  h(name: keyof DDPGOptions & string): number | Value {
    return this.traced[name] ?? (this.options[name] as number);
  }

  get obsDim(): number {
    return this.obsShape.reduce((a, b) => a * b, 1);
  }

  optimizers(): Record<string, GradientTransformation> {
    const o = this.options;
    const critic = runUpdates(this.loop);
    return {
      actor: adamWith(this.h("muLr"), o.annealLr ? Math.max(1, Math.ceil(critic / o.policyDelay)) : null, o.maxGradNorm),
      critic: adamWith(this.h("qLr"), o.annealLr ? critic : null, o.maxGradNorm),
    };
  }

  init(key: Value, obsSpace: Space, actionSpace: Space): DDPGState {
    boxObsShape(obsSpace, this.name);
    const box = actionBox(actionSpace, this.name);
    if (box.dim !== this.box.dim) throw new TypeError(`${this.name}.init: this agent was built for ${this.box.dim} action dimensions, not ${box.dim}`);
    const [ka, kc] = [random.foldIn(key, 0), random.foldIn(key, 1)];
    const params: DDPGParams = { actor: this.#actorNet.init(ka, [this.obsDim]), critic: this.nets.critic.init(kc, this.obsDim, this.box.dim) };
    return { params, obsNorm: initObsStats(this.obsShape, this.options.normalizeObs), extra: { target: params } };
  }

  features(state: DDPGState, obs: Value): Value {
    return obsFeatures(obs, this.obsShape, state.obsNorm);
  }

  /** Env actions → the actor's [-1, 1]. */
  normalize(actions: Value): Value {
    return np.clip(np.divide(np.subtract(np.astype(actions, "float32"), this.box.center), this.box.halfWidth), -1, 1);
  }

  /** μ(s) plus Gaussian noise of std actionNoise (a fraction of the half-range), clipped to the box. */
  computeActions(state: DDPGState, batch: SampleBatch, key: Value): [Value, Extras] {
    const mu = this.nets.actor(state.params.actor, this.features(state, batch.obs));
    const u = np.clip(np.add(mu, np.multiply(this.h("actionNoise"), random.normal(key, mu.shape))), -1, 1);
    return [scaleAction(this.box, u), {}];
  }

  evaluateActions(state: DDPGState, batch: SampleBatch, _key: Value): [Value, Extras] {
    return [scaleAction(this.box, this.nets.actor(state.params.actor, this.features(state, batch.obs))), {}];
  }

  updateStats(state: DDPGState, batch: SampleBatch, batchAxes: number): DDPGState {
    return state.obsNorm ? { ...state, obsNorm: updateObsStats(state.obsNorm, batch.obs as Value, this.obsShape, batchAxes) } : state;
  }

  update(state: DDPGState, optStates: OptStates, batch: ReplayBatch, ctx: UpdateContext): UpdateResult<DDPGState> {
    const o = this.options;
    const opts = deviceOptimizers(this.optimizers(), ctx.devices);
    const target = state.extra!.target;
    const x = this.features(state, batch.obs);
    const b = { x, nextX: this.features(state, batch.nextObs), u: this.normalize(batch.actions), rewards: np.astype(batch.rewards, "float32"), discount: batch.extras.discount! };
    const smooth = { targetNoise: this.h("targetNoise"), targetNoiseClip: this.h("targetNoiseClip") };
    const eps = this.traced.targetNoise === undefined && o.targetNoise === 0 ? null : random.normal(ctx.key, b.u.shape);

    const criticGrad = valueAndGrad((c: MLPParams) => ddpgCriticLoss(this.nets, c, target, b, eps, smooth), { hasAux: true });
    const [[criticLoss, aux], gc] = criticGrad(state.params.critic) as [[Value, Record<string, Value>], MLPParams];
    const [cu, criticOpt] = opts.critic!.update(gc, optStates.critic, state.params.critic);
    const critic = optim.applyUpdates(state.params.critic, cu);

    // The actor and the targets move every policyDelay updates (with the just-updated critic).
    type A = { actor: MLPParams; opt: unknown; target: DDPGParams; loss: Value };
    const actorStep = (actor: MLPParams, opt: unknown, tgt: DDPGParams): A => {
      const [loss, ga] = valueAndGrad((p: MLPParams) => ddpgActorLoss(this.nets, p, critic, x))(actor) as [Value, MLPParams];
      const [au, opt2] = opts.actor!.update(ga, opt, actor);
      const next = optim.applyUpdates(actor, au);
      return { actor: next, opt: opt2, target: updateTarget(tgt, { actor: next, critic }, ctx.counters.updates, { tau: this.h("tau"), every: 1 }), loss };
    };
    const skip = (actor: MLPParams, opt: unknown, tgt: DDPGParams): A => ({ actor, opt, target: tgt, loss: ddpgActorLoss(this.nets, actor, critic, x) });
    const a =
      o.policyDelay === 1
        ? actorStep(state.params.actor, optStates.actor, target)
        : lax.cond(np.equal(np.remainder(ctx.counters.updates, o.policyDelay), 0), actorStep, skip, state.params.actor, optStates.actor, target);
    return {
      agentState: { ...state, params: { actor: a.actor, critic }, extra: { target: a.target } },
      optStates: { actor: a.opt, critic: criticOpt },
      metrics: { "loss/critic": criticLoss, "loss/actor": a.loss, qMean: aux.qMean!, targetMean: aux.targetMean! },
      updates: 1,
    };
  }
}

/** A DDPG / TD3 agent for these spaces (options: TD3_SCHEMA's keys; others are ignored). */
export function makeDDPGAgent(options: Partial<DDPGOptions> & Record<string, unknown>, obsSpace: Space, actionSpace: Space, traced: Record<string, Value> = {}): DDPGAgent {
  return new DDPGAgent(options, obsSpace, actionSpace, traced);
}
