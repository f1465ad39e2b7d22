// PPO (Schulman et al. 2017), PureJaxRL / CleanRL style.
export { PPOAgent, makePPOAgent, type PPOParams, type PPOState, type OnPolicyAgent } from "./agent.js";
export { ppoLoss, type PPOLossHyper, type PPOLossInput, type PPOLossTerms } from "./loss.js";
export { PPO_AGENT_SCHEMA, type PPOAgentOptions } from "./config.js";
