// A2C (Mnih et al. 2016), synchronous, Stable-Baselines3 style.
export { A2CAgent, type A2CState } from "./agent.js";
export { a2cLoss, type A2CLossHyper, type A2CLossInput, type A2CLossTerms } from "./loss.js";
export { A2C_SCHEMA, A2C_LOOP_SCHEMA, A2C_SWEEPABLE, type A2COptions } from "./config.js";
export { A2C_ALGORITHM, type A2CConfig } from "./algorithm.js";
