// ES's registry entry: the evolution loop's options plus ES's own, and its workflow.
import type { Environment } from "../../envs/types.js";
import { EVOLUTION_LOOP_SCHEMA } from "../../workflows/config.js";
import { EvolutionWorkflow, type EvolutionConfig } from "../../workflows/evolution.js";
import { algorithmSchema, type AlgorithmSpec } from "../../workflows/algorithm.js";
import type { Hyper } from "../../workflows/workflow.js";
import { ES_SCHEMA, ES_SWEEPABLE, type ESOptions } from "./config.js";
import { ESAgent } from "./agent.js";
import { agentFactory } from "../common/config.js";

export type ESConfig = EvolutionConfig & ESOptions;

export const ES_ALGORITHM: AlgorithmSpec<ESConfig> = {
  name: "es",
  title: "Evolution strategies (Salimans et al. 2017): rlib's EvolutionStrategy with evorl's OpenES options",
  family: "evolution",
  actionSpaces: "Discrete, Box",
  // rlib tests every 50 iterations with 5 episodes; every 10 here, so stopScore can act.
  schema: algorithmSchema("es", EVOLUTION_LOOP_SCHEMA, ES_SCHEMA, {
    evalEvery: { kind: "int", default: 10, min: 0, doc: "evaluate the mean parameters every this many iterations (rlib's test_every; 0: only at the end)" },
  }),
  sweepable: ES_SWEEPABLE,
  check(c) {
    if (c.mirrored && c.popSize % 2 !== 0) throw new TypeError(`config: popSize = ${c.popSize} must be even when mirrored = true`);
  },
  build(c: ESConfig, env: Environment, hyper: Hyper = {}) {
    return new EvolutionWorkflow<ESConfig>(c, env, agentFactory(ESAgent), hyper);
  },
  docs: "es.md",
};
