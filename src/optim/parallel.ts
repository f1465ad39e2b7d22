// Data parallelism as an optimizer stage: inside pmap, chain(pmeanGradients(axis), adam(...))
// averages every device's gradients across the named axis before the update, so each device
// applies the gradient of the global batch (equal shards) and the replicas stay identical.
import type { Value } from "../core/values.js";
import { collectiveLax } from "../lax/collective.js";
import { map } from "../pytree/index.js";
import type { EmptyState, GradientTransformation } from "./base.js";

/** Replaces the updates by their mean over the devices of `axisName` (optax has no direct twin; JAX code calls lax.pmean on the grads). */
export function pmeanGradients(axisName: string): GradientTransformation<EmptyState> {
  return {
    init: () => ({}),
    update: (updates, state) => [map((g: Value) => collectiveLax.pmean(g, axisName), updates), state],
  };
}
