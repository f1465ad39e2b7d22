// IMPALA (Espeholt et al. 2018), synchronous, as evorl.
export { IMPALAAgent, type IMPALAState } from "./agent.js";
export { impalaLoss, type IMPALALossHyper, type IMPALALossInput, type IMPALALossTerms } from "./loss.js";
export { IMPALA_SCHEMA, IMPALA_LOOP_SCHEMA, IMPALA_SWEEPABLE, type IMPALAOptions } from "./config.js";
export { IMPALA_ALGORITHM, type IMPALAConfig } from "./algorithm.js";
