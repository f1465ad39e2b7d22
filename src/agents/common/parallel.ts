// Data parallelism inside a learner's update. When a workflow runs with numDevices > 1, each
// device's update sees its shard of the global batch and `ctx.devices` names the pmap axis.
// The learners then (1) average their gradients over the axis before every optimizer step, so
// every replica applies the global batch's update and the replicas stay identical, and (2)
// compute batch statistics (advantage standardization) over the global batch. With equal
// shards, the mean of per-shard mean-loss gradients is the gradient of the global mean loss.
// On one device every helper here is the identity, so single-device programs are unchanged.
import type { Value } from "../../core/values.js";
import { collectiveLax } from "../../lax/collective.js";
import { numpy as np } from "../../numpy/index.js";
import { map } from "../../pytree/index.js";
import type { GradientTransformation } from "../../optim/index.js";
import type { DeviceAxis } from "../types.js";

/**
 * `opt` whose update first averages the gradients over the device axis. Unlike
 * chain(pmeanGradients(axis), opt), the state is `opt`'s own, so optimizer states (and
 * checkpoints) have the same structure on any number of devices.
 */
export function deviceOptimizer<S>(opt: GradientTransformation<S>, devices: DeviceAxis | undefined): GradientTransformation<S> {
  if (!devices) return opt;
  return { init: opt.init, update: (grads, state, params) => opt.update(pmeanTree(grads, devices), state, params) };
}

/** Every leaf averaged over the device axis (identity without one). */
export function pmeanTree<T>(tree: T, devices: DeviceAxis | undefined): T {
  if (!devices) return tree;
  return map((x: Value) => collectiveLax.pmean(x, devices.axisName), tree) as T;
}

/** The mean of `x` over all its elements on every device of the axis (equal shards). */
export function globalMean(x: Value, axisName?: string): Value {
  const m = np.mean(x);
  return axisName === undefined ? m : collectiveLax.pmean(m, axisName);
}

/** (x − mean) / (std + 1e-8) with the mean and std of the global batch (all devices' shards). */
export function standardize(x: Value, axisName?: string): Value {
  // One device: exactly the formula the losses always used (so single-device runs are unchanged).
  if (axisName === undefined) return np.divide(np.subtract(x, np.mean(x)), np.add(np.std(x), 1e-8));
  const mean = globalMean(x, axisName);
  const std = np.sqrt(np.maximum(np.subtract(globalMean(np.square(x), axisName), np.square(mean)), 0));
  return np.divide(np.subtract(x, mean), np.add(std, 1e-8));
}

/** A per-device count (batch, minibatch, capacity) of a global one; an error names `what` when it does not divide. */
export function perDevice(global: number, devices: DeviceAxis | undefined, what: string): number {
  if (!devices) return global;
  if (global % devices.size !== 0) throw new TypeError(`${what} = ${global} must be divisible by numDevices = ${devices.size}`);
  return global / devices.size;
}

/** Every optimizer of a learner wrapped by deviceOptimizer. */
export function deviceOptimizers(opts: Record<string, GradientTransformation>, devices: DeviceAxis | undefined): Record<string, GradientTransformation> {
  if (!devices) return opts;
  return Object.fromEntries(Object.entries(opts).map(([k, o]) => [k, deviceOptimizer(o, devices)]));
}
