/** Checkpoints: pytrees of arrays to .safetensors files (atomic writes) and back. */
export { saveCheckpoint, loadCheckpoint, readCheckpointInfo, checkCheckpoint, newestIntactCheckpoint, type SaveOptions, type CheckpointInfo } from "./checkpoint.js";
export type { SafetensorsDType } from "./safetensors.js";
