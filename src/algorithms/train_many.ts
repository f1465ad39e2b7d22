// trainMany from a config: the registry builds the workflow, the workflows layer runs every
// seed (× swept value) as one vmapped program.
import { trainWorkflowMany, type TrainManyOptions, type TrainManyResult } from "../workflows/train_many.js";
import { Workflow, type WorkflowState } from "../workflows/workflow.js";
import { algorithmOf, buildWorkflow, type BuildOptions } from "./registry.js";

export type { TrainManyOptions, TrainManyResult } from "../workflows/train_many.js";

/**
 * Trains one run per seed (× sweep value) in one compiled program, from a config (its `algo`
 * picks the algorithm) or a built workflow. A swept key must be one the algorithm can trace.
 */
export async function trainMany(
  config: Record<string, unknown> | Workflow,
  seeds: readonly number[],
  opts: TrainManyOptions & BuildOptions = {},
): Promise<TrainManyResult<WorkflowState>> {
  const sweep = opts.sweep;
  if (config instanceof Workflow) return trainWorkflowMany(config, seeds, opts);
  const spec = algorithmOf(config);
  if (sweep && !spec.sweepable.includes(sweep.key))
    throw new TypeError(`trainMany: cannot sweep "${sweep.key}" for ${spec.name}; sweepable hyperparameters: ${spec.sweepable.join(", ")}`);
  const wf = buildWorkflow(sweep ? { ...config, [sweep.key]: sweep.values[0] } : config, { env: opts.env });
  return trainWorkflowMany(wf, seeds, opts);
}
