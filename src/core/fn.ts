// The type of the functions the transformations (jit, vmap, pmap, grad, vjp, jvp, customVjp,
// makeJaxpr) take, and of the functions they return.

/**
 * Any function: `(x: Value, p: Params) => Value` and `() => number` are both `Fn` (a `never`
 * parameter accepts every parameter type), and `Parameters<F>` / `ReturnType<F>` of an
 * `F extends Fn` are the user's own types. An unannotated lambda's parameters are `never` here:
 * they can be passed to anything (as in JAX, `jit((s, a) => env.step(key, s, a))`), their
 * members cannot be read until annotated, and the transformed function takes anything there
 * (`Args`).
 */
export type Fn = (...args: never[]) => unknown;

/** A function called with arguments checked at run time (pytrees). */
export type DynFn = (...args: unknown[]) => unknown;

/** `f` as the library calls it: with the arguments its transformed function was given. */
export const asDyn = (f: Fn): DynFn => f as DynFn;

/** The parameter list of a transformed function: `F`'s, an unannotated (`never`) one as `unknown`. */
export type Args<P extends readonly unknown[]> = { [K in keyof P]: [P[K]] extends [never] ? unknown : P[K] };
