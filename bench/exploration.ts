// The exploration benchmark (issue 15): PPO, PPO+RND, PPO+SND-V and PPO+SND-VIC on bsuite's
// Deep Sea (sizes 10, 14, 20, 30) and on the pixel MultiRoom maze, each algorithm with the
// same small budget and several seeds (vmapped into one program per algorithm and task).
//
// Deep Sea, bsuite's criterion: a run solves size N when the cumulative fraction of bad
// episodes (the agent left the diagonal, so never reached the treasure) falls below 0.8
// before episode 2^N + 100 — here also within the budget of EPISODES episodes.
// MultiRoom: the distinct rooms (info.room) each run visits during training, summed over
// seeds, after the same number of steps.
//
//   npx tsx bench/exploration.ts [--seeds 0,1,2] [--episodes 600] [--sizes 10,14,20,30]
//                                [--multiroom-steps 40000] [--only ppo,ppo-rnd,randal] [--skip-multiroom]
//                                [--set key=value,...] [--out NAME]
// (--sizes "" skips Deep Sea; randal is run on MultiRoom only by default below.)
//
// Prints a markdown table and writes bench/results/exploration.json.
import type { Value } from "../src/core/values.js";
import { numpy as np } from "../src/numpy/index.js";
import { random } from "../src/random/index.js";
import { lax } from "../src/lax/index.js";
import { envs } from "../src/envs/index.js";
import "../src/envs/extra.js";
import type { Environment } from "../src/envs/types.js";
import type { FullSampleBatch } from "../src/agents/types.js";
import { OnPolicyWorkflow, type OnPolicyState } from "../src/workflows/on_policy.js";
import { episodeMetrics } from "../src/workflows/rollout.js";
import { advanceCounters, type Metrics } from "../src/workflows/workflow.js";
import { trainWorkflowMany } from "../src/workflows/train_many.js";
import { getAlgorithm } from "../src/algorithms/registry.js";
import { resolveSpecConfig } from "../src/workflows/algorithm.js";
import { makeRunAgent, type PPOConfig } from "../src/agents/ppo/algorithm.js";
import { machine, writeResults } from "./common.js";

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : def;
}
const SEEDS = arg("seeds", "0,1,2").split(",").map(Number);
const EPISODES = Number(arg("episodes", "600"));
const SIZES = arg("sizes", "10,14,20,30").split(",").filter(Boolean).map(Number);
const MR_STEPS = Number(arg("multiroom-steps", "40000"));
const ONLY = arg("only", "ppo,ppo-rnd,ppo-snd-v,ppo-snd-vic").split(",");
const SKIP_MR = process.argv.includes("--skip-multiroom");
/** --set key=value[,key=value]: overrides for every agent (numbers and booleans parsed). */
const SET: Record<string, unknown> = Object.fromEntries(
  arg("set", "")
    .split(",")
    .filter(Boolean)
    .map((kv) => {
      const [k, v] = kv.split("=") as [string, string];
      return [k, v === "true" ? true : v === "false" ? false : Number.isNaN(Number(v)) ? v : Number(v)];
    }),
);

/**
 * The agents compared. Shared PPO settings (small MLPs, lr 5e-4, 4 epochs × 4 minibatches);
 * the curiosity variants keep the RLAgents defaults otherwise (two critics, γ_int 0.99,
 * advantages 2 : 1, clip 0.1, entropy 0.001, mean-only state normalization, ELU, orthogonal √2).
 */
const COMMON = { hiddenSizes: [64, 64], lr: 5e-4, annealLr: false, epochs: 4, numMinibatches: 4, numEnvs: 16, evalEpisodes: 4 };
const DISTILL = { rndPredictorHidden: [64, 64], rndTargetHidden: [64], rndEmbedding: 32 };
const AGENTS: Record<string, Record<string, unknown>> = {
  ppo: { algo: "ppo", gamma: 0.99 },
  "ppo-rnd": { algo: "ppo-rnd", gamma: 0.99, ...DISTILL },
  "ppo-snd-v": { algo: "ppo-snd", sndVariant: "v", gamma: 0.99, ...DISTILL },
  "ppo-snd-vic": { algo: "ppo-snd", sndVariant: "vic", gamma: 0.99, ...DISTILL },
  // RANDAL's heads need a shared torso: here one MLP (a CNN is too slow for this machine).
  randal: { algo: "randal", gamma: 0.99, torso: "mlp", sharedTorso: true, pcCellSize: 4, ...DISTILL },
};

/**
 * OnPolicyWorkflow whose iteration also reports what the benchmark scores: bad episodes ended
 * (Deep Sea's info.badEpisode) and a bitmask of the rooms seen (MultiRoom's info.room).
 */
class ExplorationWorkflow extends OnPolicyWorkflow<PPOConfig> {
  override update(state: OnPolicyState): [Metrics, OnPolicyState] {
    const ks = random.split(state.key, 3);
    const agent = this.agent;
    const [end, [traj, seen]] = lax.scan(
      (c: { envState: unknown; obs: Value }, k: Value): [{ envState: unknown; obs: Value }, [FullSampleBatch, Metrics]] => {
        const kk = random.split(k);
        const [actions, extras] = agent.computeActions(state.agentState, { obs: c.obs }, kk.get(0), state.counters.envSteps);
        const r = this.env.step(kk.get(1), c.envState, agent.toEnvAction ? agent.toEnvAction(actions) : actions);
        const info: Record<string, Value> = {};
        for (const f of ["episodeReturn", "episodeLength", "returnedEpisode"]) if (r.info[f] !== undefined) info[f] = r.info[f]!;
        const done = np.logicalOr(r.terminated, r.truncated);
        const bench: Metrics = {
          bad: r.info.badEpisode !== undefined ? np.sum(np.logicalAnd(done, r.info.badEpisode)) : np.zeros([], "int32"),
          room: r.info.room !== undefined ? np.astype(r.info.room, "int32") : np.full([this.config.numEnvs], -1, "int32"),
        };
        const t: FullSampleBatch = { obs: c.obs, actions, rewards: np.astype(r.reward, "float32"), nextObs: r.info.finalObs ?? r.obs, terminated: r.terminated, truncated: r.truncated, extras: { ...extras, ...info } };
        return [{ envState: r.state, obs: r.obs }, [t, bench]];
      },
      { envState: state.envState, obs: state.obs },
      random.split(ks.get(1), this.config.numSteps),
    );
    const u = agent.update(state.agentState, state.optStates, traj, { key: ks.get(2), counters: state.counters });
    const agentState = agent.updateStats ? agent.updateStats(u.agentState, traj, 2) : u.agentState;
    const ep = episodeMetrics(traj);
    // Per-iteration counts under their own names: trainMany reports `episodes` as the counter (cumulative).
    const ended = np.sum(np.logicalOr(traj.terminated, traj.truncated));
    const metrics: Metrics = { ...u.metrics, ...ep, iterEpisodes: ended, badEpisodes: np.sum(seen.bad), roomsMask: roomsMask(seen.room) };
    return [
      metrics,
      {
        key: ks.get(0),
        counters: advanceCounters(state.counters, { envSteps: this.stepsPerIteration, episodes: ep.episodes ?? 0, updates: u.updates }),
        agentState,
        envState: end.envState,
        obs: end.obs,
        optStates: u.optStates,
      },
    ];
  }
}

/** The rooms (ids < 16) seen anywhere in rooms [T, B] as a bitmask Σ 2^id (an int32 scalar, as metrics are). */
function roomsMask(rooms: Value): Value {
  const ids = np.arange(16, null, 1, "int32");
  const seen = np.any(np.equal(np.expandDims(rooms, -1), ids), [0, 1]);
  return np.sum(np.where(seen, np.leftShift(1, ids), 0));
}

interface DeepSeaScore {
  solved: boolean;
  /** The first episode where the cumulative bad fraction fell below 0.8 (null: never within the budget). */
  solvedAt: number | null;
  episodes: number;
  goodEpisodes: number;
}

/** bsuite's Deep Sea criterion over a run's per-iteration episode and bad-episode counts. */
function deepSeaScore(episodes: number[], bad: number[], size: number): DeepSeaScore {
  const cutoff = Math.min(2 ** size + 100, EPISODES);
  let e = 0;
  let b = 0;
  let solvedAt: number | null = null;
  for (let i = 0; i < episodes.length && e < cutoff; i++) {
    e += episodes[i]!;
    b += bad[i]!;
    if (solvedAt === null && b / e < 0.8) solvedAt = e;
  }
  return { solved: solvedAt !== null, solvedAt, episodes: e, goodEpisodes: e - b };
}

function workflowFor(name: string, overrides: Record<string, unknown>): ExplorationWorkflow {
  const spec = getAlgorithm(AGENTS[name]!.algo as string);
  const c = resolveSpecConfig(spec, { ...COMMON, ...AGENTS[name], ...overrides, ...(name === "ppo" ? {} : SET) }) as unknown as PPOConfig;
  const env: Environment = envs.make(c.env, c.envOptions);
  return new ExplorationWorkflow(c, env, makeRunAgent);
}

async function main(): Promise<void> {
  console.log(`exploration benchmark — seeds ${SEEDS.join(",")}, Deep Sea budget ${EPISODES} episodes per run, MultiRoom ${MR_STEPS} steps per run; ${machine()} (shared, loaded machine)`);
  const results: Record<string, unknown>[] = [];
  const table: Record<string, Record<string, string>> = {};
  for (const name of ONLY) {
    table[name] = {};
    for (const N of SIZES) {
      // One episode per environment per iteration: numSteps = N.
      const iters = Math.ceil(EPISODES / COMMON.numEnvs);
      const wf = workflowFor(name, { env: "DeepSea-bsuite", envOptions: { size: N }, numSteps: N, totalSteps: iters * COMMON.numEnvs * N });
      const r = await trainWorkflowMany(wf, SEEDS, { evalEvery: 0 });
      const scores = SEEDS.map((_, i) => deepSeaScore(r.metrics.iterEpisodes![i]!, r.metrics.badEpisodes![i]!, N));
      if (process.argv.includes("--trace")) for (const k of ["iterEpisodes", "badEpisodes", "episodeReturn", "loss/total"]) console.log(k, JSON.stringify(r.metrics[k]![0]!.slice(0, 12)));
      const solved = scores.filter((s) => s.solved).length;
      console.log(`${name} DeepSea-${N}: solved ${solved}/${SEEDS.length} (solvedAt ${scores.map((s) => s.solvedAt ?? "—").join(", ")}; good episodes ${scores.map((s) => s.goodEpisodes).join(", ")}; final eval ${r.finalReturns.map((x) => x.toFixed(2)).join(", ")}) in ${r.seconds.toFixed(0)} s`);
      table[name]![`DeepSea-${N}`] = `${solved}/${SEEDS.length}`;
      results.push({ algo: name, task: `DeepSea-${N}`, steps: wf.numIterations * wf.stepsPerIteration, scores, finalReturns: r.finalReturns, seconds: r.seconds });
    }
    if (!SKIP_MR) {
      const numSteps = 128;
      const iters = Math.max(1, Math.round(MR_STEPS / (COMMON.numEnvs * numSteps)));
      const wf = workflowFor(name, { env: "MultiRoom-v0", envOptions: { obsSize: 32 }, numSteps, totalSteps: iters * COMMON.numEnvs * numSteps, gamma: 0.99 });
      const r = await trainWorkflowMany(wf, SEEDS, { evalEvery: 0 });
      const perSeed = r.metrics.roomsMask!.map((row) => {
        const m = row.reduce((a, b) => a | b, 0);
        return [...Array(16).keys()].filter((k) => (m >> k) & 1).length;
      });
      const sum = perSeed.reduce((a, b) => a + b, 0);
      console.log(`${name} MultiRoom-v0: rooms visited ${perSeed.join(" + ")} = ${sum} (final eval ${r.finalReturns.map((x) => x.toFixed(2)).join(", ")}) in ${r.seconds.toFixed(0)} s`);
      table[name]!["MultiRoom rooms"] = `${sum} (${perSeed.join("+")})`;
      results.push({ algo: name, task: "MultiRoom-v0", steps: wf.numIterations * wf.stepsPerIteration, roomsPerSeed: perSeed, roomsSum: sum, finalReturns: r.finalReturns, seconds: r.seconds });
    }
  }
  const cols = [...SIZES.map((n) => `DeepSea-${n}`), ...(SKIP_MR ? [] : ["MultiRoom rooms"])];
  const lines = [`| algorithm | ${cols.join(" | ")} |`, `|---|${cols.map(() => "---:").join("|")}|`, ...Object.entries(table).map(([a, row]) => `| ${a} | ${cols.map((c) => row[c] ?? "—").join(" | ")} |`)];
  console.log(`\n${lines.join("\n")}`);
  writeResults(arg("out", "exploration"), { set: SET, seeds: SEEDS, episodes: EPISODES, multiroomSteps: MR_STEPS, common: COMMON, agents: AGENTS, results, table: lines.join("\n") });
}

await main();
