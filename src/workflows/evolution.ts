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
import { Workflow, advanceCounters, stepLimit, zeroCounters, type BaseConfig, type Hyper, type LearnOptions, type Metrics, type WorkflowState } from "./workflow.js";

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
  readonly #agent: EvolutionAgent;

  constructor(
    config: C,
    baseEnv: Environment,
    readonly makeAgent: EvolutionAgentFactory<C>,
    hyper: Hyper = {},
  ) {
    super(config, baseEnv, hyper);
    this.#agent = makeAgent(config, baseEnv, hyper);
    this.popEnv = vectorize(baseEnv, this.#agent.popSize * config.episodesPerMember);
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
    const fb = this.playPopulation(state.agentState, population, ks.get(2));
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
   * Every member's episodes at once (pure): fitness = mean return of its episodes, lengths =
   * its live steps (the env steps it really took), and the live observations' moments when the
   * agent wants them. `population` is the agent's params stacked [popSize, ...].
   */
  playPopulation(agentState: AgentState, population: unknown, key: Value): PopulationFeedback & { loopSteps: Value } {
    const P = this.agent.popSize;
    const E = this.config.episodesPerMember;
    const n = P * E;
    const params = E === 1 ? population : map((x: Value) => np.repeat(x, E, 0), population);
    const agent = this.agent;
    const act = vmap((p: unknown, obs: Value, k: Value) => {
      const [a] = agent.computeActions({ ...agentState, params: p }, { obs: np.expandDims(obs, 0) }, k);
      return np.squeeze(agent.toEnvAction ? agent.toEnvAction(a) : a, 0);
    });
    const r0 = this.popEnv.reset(random.foldIn(key, 0));
    const moments = agent.wantsObsMoments;
    const feat = (o: Value) => np.reshape(np.astype(o, "float32"), [n, -1]);
    const F = moments ? feat(r0.obs).shape[1]! : 0;
    const maxReturn = this.config.maxEpisodeReturn;
    type C = { t: Value; key: Value; envState: unknown; obs: Value; done: Value; ret: Value; len: Value; sum: Value; sumSq: Value };
    const init: C = {
      t: np.array(0, "int32"),
      key: random.foldIn(key, 1),
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
        const ks = random.split(c.key, 3);
        const live = np.logicalNot(c.done);
        let sum = c.sum;
        let sumSq = c.sumSq;
        if (moments) {
          const x = np.multiply(feat(c.obs), np.expandDims(np.astype(live, "float32"), 1));
          sum = np.add(sum, np.sum(x, 0));
          sumSq = np.add(sumSq, np.sum(np.square(x), 0));
        }
        const a = act(params, c.obs, random.split(ks.get(1), n));
        const r = this.popEnv.step(ks.get(2), c.envState, a);
        const ret = np.add(c.ret, np.where(live, np.astype(r.reward, "float32"), 0));
        let done = np.logicalOr(c.done, np.logicalOr(r.terminated, r.truncated));
        if (maxReturn !== null) done = np.logicalOr(done, np.greaterEqual(ret, maxReturn));
        return { t: np.add(c.t, 1), key: ks.get(0), envState: r.state, obs: r.obs, done, ret, len: np.add(c.len, np.astype(live, "int32")), sum, sumSq };
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
