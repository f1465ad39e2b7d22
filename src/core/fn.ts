// The type of the functions the transformations (jit, vmap, pmap, grad, vjp, jvp, customVjp,
// makeJaxpr) take: a function of pytrees, whatever its parameter types.

/**
 * Any function: `(x: Value, p: Params) => Value` and `() => number` are both `Fn`, and
 * `Parameters<F>` / `ReturnType<F>` of an `F extends Fn` are the user's own types. The
 * parameters are compared bivariantly (the signature of a method, extracted), which is what lets
 * every function in without `any`; an unannotated lambda's parameters are `unknown`, so
 * annotate them (`jit((x: Value) => …)`), as the result is typed from them.
 */
export type Fn = { fn(...args: unknown[]): unknown }["fn"];
