// The extension interface (DESIGN: "Extensions are values that an agent's config carries").
// An extension is a value built once for a pair of spaces; it keeps everything it learns in
// its own state record — its networks, its optimizer's state, its normalizers — which the
// agent carries in `agentState.extra.ext[name]` (so checkpoints and resume cover it), and it
// meets the agent's learner at four optional points:
//
//   intrinsicRewards  after a rollout: a reward per transition [T, B] (already weighted and
//                     normalized), added to a second, intrinsic critic (RND, SND);
//   learn             after the agent's own update: its own gradient steps with its own
//                     optimizer on the rollout (RND's predictor, SND's target and predictor);
//   augment           per minibatch: a larger minibatch (symmetry's mirrored samples);
//   policyLoss        per minibatch: a term added to the agent's loss, given the actor's
//                     output as a function of observations (symmetry's mirror loss);
//   initHeads +       heads on the agent's own features, trained by the agent's optimizer
//   auxLoss           with it (params.aux[name]): a loss per minibatch from the extension's
//                     state (UNREAL's auxiliary tasks on a replay of recent frames).
//
// Every method is pure and traceable, and reports its metrics under names of its own
// ("rnd/reward", "loss/rnd"...). An agent supports extensions by calling these hooks; PPO
// does (src/agents/ppo/update.ts), and any learner can in the same few lines.
import type { Value } from "../../core/values.js";
import type { FullSampleBatch, Trajectory, UpdateContext } from "../types.js";

export type Metrics = Record<string, Value>;

/** What an extension is built for. */
export interface ExtensionSpaces {
  /** The observation shape (without batch axes). */
  obsShape: readonly number[];
  /** Discrete actions (policy outputs are logits) or Box actions (policy outputs are means). */
  discrete: boolean;
  /** Number of actions (Discrete) or the action dimension (Box). */
  actionDim: number;
  /** Parallel environments of the rollouts (for per-environment running returns). */
  numEnvs: number;
  /** The observations' dtype (default float32), for buffers of them. */
  obsDtype?: "float32" | "uint8";
}

export interface IntrinsicResult<S> {
  /** Intrinsic reward of each transition, rewarding the novelty of nextObs, [T, B]. */
  rewards: Value;
  state: S;
  metrics: Metrics;
}

export interface Extension<S = unknown> {
  /** The key of its state in agentState.extra.ext and the prefix of its metrics. */
  readonly name: string;
  /** Fresh state (networks, optimizer state, statistics). */
  init(key: Value): S;
  intrinsicRewards?(state: S, traj: Trajectory, ctx: UpdateContext): IntrinsicResult<S>;
  learn?(state: S, traj: Trajectory, ctx: UpdateContext): { state: S; metrics: Metrics };
  /** A minibatch [N, ...] extended along axis 0 (every field, extras included). */
  augment?(mb: FullSampleBatch): FullSampleBatch;
  /**
   * A loss term on the policy: `actor(obs)` gives the policy's outputs (logits or means) for
   * observations [N, ...]; `originalSize` is N before any augmentation.
   */
  policyLoss?(actor: (obs: Value) => Value, mb: FullSampleBatch, originalSize: number): { loss: Value; metrics: Metrics };
  /** Params of heads on the agent's features (width `featureSize`), trained by the agent's optimizer. */
  initHeads?(key: Value, featureSize: number): unknown;
  /** A loss on those heads (and, through `model`, on the agent's torso), per minibatch. */
  auxLoss?(heads: unknown, model: AgentModel, state: S, key: Value): { loss: Value; metrics: Metrics };
}

/** What auxiliary losses see of the agent, under the parameters being differentiated. */
export interface AgentModel {
  /** The shared torso's features of observations [N, ...] → [N, F]. */
  features(obs: Value): Value;
  /** The (extrinsic) value of observations [N, ...] → [N]. */
  value(obs: Value): Value;
}

/** The extension states an agent carries, by extension name. */
export type ExtensionStates = Record<string, unknown>;
