// EvolutionWorkflow (evorl's ask / tell EC workflows): one iteration is one jitted program —
// the agent asks for a population of parameters, every member plays its episodes in parallel
// (one vectorized env of popSize × episodesPerMember copies, the policy vmapped over the
// members' params, a while loop until every episode has ended; steps after a member's episode
// ended are masked), the members' mean returns are their fitness, and the agent tells the
// search. The state's agentState holds the search's mean, so evaluation, GIFs and checkpoints
// read it like any other policy. Nothing here knows an algorithm: ES lives in src/agents/es/.
import type { Value } from "../core/values.js";
import { vmap } from "../core/batching.js";
import { lax } from "../lax/index.js";
import { numpy as np } from "../numpy/index.js";
import { random } from "../random/index.js";
import { map } from "../pytree/index.js";
import type { Environment } from "../envs/types.js";
import { vectorize } from "../envs/wrappers/index.js";
import type { AgentState, EvolutionAgent, PopulationFeedback } from "../agents/types.js";
import type { EvolutionLoopConfig } from "./config.js";
import { DEVICE_AXIS, Workflow, advanceCounters, stepLimit, zeroCounters, type BaseConfig, type Hyper, type LearnOptions, type Metrics, type WorkflowState } from "./workflow.js";

export interface EvolutionState extends WorkflowState {
  /** The search's own state (σ, its optimizer's state...), as the agent's initSearch made it. */
  search: unknown;
}

export type EvolutionConfig = BaseConfig & EvolutionLoopConfig;

/** Makes the agent of a run; `hyper` holds swept hyperparameters as traced scalars. */
export type EvolutionAgentFactory<C> = (config: C, env: Environment, hyper: Hyper) => EvolutionAgent;

export class EvolutionWorkflow<C extends EvolutionConfig = EvolutionConfig> extends Workflow<EvolutionState, C> {
  /** popSize × episodesPerMember copies of the base environment (no auto-reset: one episode each). */
  readonly popEnv: Environment;
  /** The step cap of a member's episode. */
  readonly maxEpisodeSteps: number;
  /** Members each device plays (popSize / numDevices). */
  readonly membersPerDevice: number;
  readonly #agent: EvolutionAgent;

  constructor(
    config: C,
    baseEnv: Environment,
    readonly makeAgent: EvolutionAgentFactory<C>,
    hyper: Hyper = {},
  ) {
    super(config, baseEnv, hyper);
    this.#agent = makeAgent(config, baseEnv, hyper);
    // Data-parallel: every device asks for the same population (the key is replicated) and plays its popSize/N members.
    this.membersPerDevice = this.perDevice(this.#agent.popSize, "popSize");
    this.popEnv = vectorize(baseEnv, this.membersPerDevice * config.episodesPerMember);
    this.maxEpisodeSteps = config.maxEpisodeSteps ?? stepLimit(baseEnv) ?? 1000;
  }

  get agent(): EvolutionAgent {
    return this.#agent;
  }
  /** Nominal: every member's every episode at the step cap (the state counts the real steps). */
  get stepsPerIteration(): number {
    return this.#agent.popSize * this.config.episodesPerMember * this.maxEpisodeSteps;
  }
  get numIterations(): number {
    return this.config.iterations;
  }

  withHyper(hyper: Hyper): EvolutionWorkflow<C> {
    return new EvolutionWorkflow(this.config, this.baseEnv, this.makeAgent, { ...this.hyper, ...hyper });
  }

  init(key: Value): EvolutionState {
    const ks = random.split(key, 2);
    const agentState = this.agent.init(ks.get(1), this.baseEnv.observationSpace(), this.baseEnv.actionSpace());
    return { key: ks.get(0), counters: zeroCounters(), agentState, search: this.agent.initSearch(agentState) };
  }

  update(state: EvolutionState): [Metrics, EvolutionState] {
    const ks = random.split(state.key, 4);
    const population = this.agent.ask(state.agentState, state.search, ks.get(1));
    const fb = this.numDevices === 1 ? this.playPopulation(state.agentState, population, ks.get(2)) : this.#playShard(state.agentState, population, ks.get(2));
    const told = this.agent.tell(state.agentState, state.search, ks.get(1), fb, { key: ks.get(3), counters: state.counters });
    const P = this.agent.popSize;
    const metrics: Metrics = {
      ...told.metrics,
      fitnessMean: np.mean(fb.fitness),
      fitnessStd: np.std(fb.fitness),
      fitnessMax: np.max(fb.fitness),
      fitnessMin: np.min(fb.fitness),
      // The train curve of the run: the population's mean episode return.
      episodeReturn: np.mean(fb.fitness),
      episodeLength: np.divide(np.astype(np.sum(fb.lengths), "float32"), P * this.config.episodesPerMember),
      // Steps of the episode loop (the longest episode): every member's env is stepped this often, masked once it ended.
      loopSteps: fb.loopSteps,
    };
    const next: EvolutionState = {
      key: ks.get(0),
      counters: advanceCounters(state.counters, { envSteps: np.sum(fb.lengths), episodes: P * this.config.episodesPerMember, updates: 1 }),
      agentState: told.agentState,
      search: told.search,
    };
    return [metrics, next];
  }

  /**
   * Data-parallel: this device plays members [d·P/N, (d+1)·P/N) of the (replicated)
   * population; fitness and lengths are gathered from every device in member order and the
   * observation moments summed, so every device tells the search the same feedback.
   */
  #playShard(agentState: AgentState, population: unknown, key: Value): PopulationFeedback & { loopSteps: Value } {
    const m = this.membersPerDevice;
    const first = np.multiply(lax.axisIndex(DEVICE_AXIS), m);
    const mine = map((x: Value) => lax.dynamicSliceInDim(x, first, m, 0), population);
    const local = this.playPopulation(agentState, mine, key, first);
    const gather = (x: Value) => np.reshape(this.gatherDevices(x), [this.agent.popSize]);
    const fb: PopulationFeedback & { loopSteps: Value } = { fitness: gather(local.fitness), lengths: gather(local.lengths), loopSteps: lax.pmax(local.loopSteps, DEVICE_AXIS) };
    if (local.obsMoments) fb.obsMoments = map((x: Value) => this.sumDevices(x), local.obsMoments) as PopulationFeedback["obsMoments"];
    return fb;
  }

  /**
   * Members' episodes at once (pure): fitness = mean return of its episodes, lengths =
   * its live steps (the env steps it really took), and the live observations' moments when the
   * agent wants them. `population` is the agent's params stacked [members, ...]: the whole
   * population, or (data-parallel) a device's members starting at member index `firstMember`.
   * Every episode's randomness comes from a key folded with its global index (member · E +
   * episode), so a member plays the same episodes whichever device plays it.
   */
  playPopulation(agentState: AgentState, population: unknown, key: Value, firstMember: Value | number = 0): PopulationFeedback & { loopSteps: Value } {
    const P = this.membersPerDevice;
    const E = this.config.episodesPerMember;
    const n = P * E;
    const params = E === 1 ? population : map((x: Value) => np.repeat(x, E, 0), population);
    const agent = this.agent;
    const act = vmap((p: unknown, obs: Value, k: Value) => {
      const [a] = agent.computeActions({ ...agentState, params: p }, { obs: np.expandDims(obs, 0) }, k);
      return np.squeeze(agent.toEnvAction ? agent.toEnvAction(a) : a, 0);
    });
    const episodeKeys = vmap((i: Value) => random.foldIn(key, i))(np.add(np.arange(n, undefined, 1, "int32"), np.multiply(firstMember, E)));
    // Each episode's key at loop step t (0: its reset), split into an action and an env key.
    const keysAt = (t: Value | number, salt: number) => vmap((k: Value) => random.foldIn(random.foldIn(k, t), salt))(episodeKeys);
    const env = this.baseEnv;
    const r0 = vmap((k: Value) => env.reset(k))(keysAt(0, 0));
    const moments = agent.wantsObsMoments;
    const feat = (o: Value) => np.reshape(np.astype(o, "float32"), [n, -1]);
    const F = moments ? feat(r0.obs).shape[1]! : 0;
    const maxReturn = this.config.maxEpisodeReturn;
    type C = { t: Value; envState: unknown; obs: Value; done: Value; ret: Value; len: Value; sum: Value; sumSq: Value };
    const init: C = {
      t: np.array(0, "int32"),
      envState: r0.state,
      obs: r0.obs,
      done: np.zeros([n], "bool"),
      ret: np.zeros([n], "float32"),
      len: np.zeros([n], "int32"),
      sum: np.zeros([F], "float32"),
      sumSq: np.zeros([F], "float32"),
    };
    const out = lax.whileLoop(
      (c: C) => np.logicalAnd(np.less(c.t, this.maxEpisodeSteps), np.logicalNot(np.all(c.done))),
      (c: C): C => {
        const step = np.add(c.t, 1);
        const live = np.logicalNot(c.done);
        let sum = c.sum;
        let sumSq = c.sumSq;
        if (moments) {
          const x = np.multiply(feat(c.obs), np.expandDims(np.astype(live, "float32"), 1));
          sum = np.add(sum, np.sum(x, 0));
          sumSq = np.add(sumSq, np.sum(np.square(x), 0));
        }
        const a = act(params, c.obs, keysAt(step, 0));
        const r = vmap((k: Value, st: unknown, u: Value) => env.step(k, st, u))(keysAt(step, 1), c.envState, a);
        const ret = np.add(c.ret, np.where(live, np.astype(r.reward, "float32"), 0));
        let done = np.logicalOr(c.done, np.logicalOr(r.terminated, r.truncated));
        if (maxReturn !== null) done = np.logicalOr(done, np.greaterEqual(ret, maxReturn));
        return { t: step, envState: r.state, obs: r.obs, done, ret, len: np.add(c.len, np.astype(live, "int32")), sum, sumSq };
      },
      init,
    );
    const fitness = E === 1 ? out.ret : np.mean(np.reshape(out.ret, [P, E]), 1);
    const lengths = E === 1 ? out.len : np.sum(np.reshape(out.len, [P, E]), 1);
    const fb: PopulationFeedback & { loopSteps: Value } = { fitness, lengths, loopSteps: out.t };
    if (moments) fb.obsMoments = { count: np.astype(np.sum(out.len), "float32"), sum: out.sum, sumSq: out.sumSq };
    return fb;
  }

  /** The base's host loop, stopping once an evaluation reaches the config's stopScore. */
  override async learn(state: EvolutionState, opts: LearnOptions<EvolutionState> = {}): Promise<EvolutionState> {
    const stop = this.config.stopScore;
    if (stop === null) return super.learn(state, opts);
    return super.learn(state, {
      ...opts,
      onIteration: async (m, s) => {
        const r = await opts.onIteration?.(m, s);
        if (r === false) return false;
        const ev = m["eval/returnMean"];
        return !(ev !== undefined && ev >= stop);
      },
    });
  }
}
