// Householder QR in lax ops, for the orthogonal initializer. Written with fixed shapes (masks
// and one-hot vectors instead of shrinking slices) inside forLoop, so it is one compiled
// program per matrix shape, and it jits and vmaps like any other init code.
import type { Value } from "../core/values.js";
import { lax } from "../lax/index.js";
import { numpy as np } from "../numpy/index.js";

const outer = (u: Value, v: Value) => np.multiply(np.expandDims(u, 1), np.expandDims(v, 0));

/**
 * The Q factor of a tall matrix a: [n, m] (n ≥ m), with its columns' signs chosen so that R
 * has a non-negative diagonal — the unique Q that jax.random.orthogonal returns after its
 * sign correction.
 */
export function qrPositive(a: Value): Value {
  if (a.ndim !== 2 || a.shape[0]! < a.shape[1]! || !/float/.test(a.dtype))
    throw new TypeError(`qrPositive: expects a tall floating-point matrix [n, m] with n >= m, got ${a.aval}`);
  const [n, m] = a.shape as [number, number];
  const rows = np.arange(n, null, 1, "int32");
  const cols = np.arange(m, null, 1, "int32");
  const dt = a.dtype;
  const oneHot = (idx: Value, k: Value) => np.astype(np.equal(idx, k), dt);

  // Step k: reflect column k below the diagonal onto alpha·e_k, with alpha = −sign(x_k)·|x|
  // (the sign that avoids cancellation); keep the unit reflectors in V and alphas in d.
  type Carry = [Value, Value, Value];
  const [, V, d] = lax.forLoop<Carry>(
    0,
    m,
    (k, [R, V, d]) => {
      const ek = oneHot(rows, k);
      const x = np.where(np.greaterEqual(rows, k), np.matmul(R, oneHot(cols, k)), 0);
      const norm = np.sqrt(np.sum(np.square(x)));
      const xk = np.sum(np.multiply(x, ek));
      const alpha = np.where(np.greaterEqual(xk, 0), np.negative(norm), norm);
      const w = np.subtract(x, np.multiply(alpha, ek));
      const wn = np.sqrt(np.sum(np.square(w)));
      const v = np.divide(w, np.where(np.greater(wn, 0), wn, 1));
      const R2 = np.subtract(R, np.multiply(2, outer(v, np.matmul(v, R))));
      const mk = oneHot(cols, k);
      return [R2, np.add(V, outer(v, mk)), np.add(d, np.multiply(alpha, mk))];
    },
    [a, np.zeros([n, m], dt), np.zeros([m], dt)],
  );
  // Q = H_0 · H_1 ⋯ H_{m−1} · I[:, :m], applied right to left.
  const Q = lax.forLoop(
    0,
    m,
    (j, Q: Value) => {
      const v = np.matmul(V, oneHot(cols, np.subtract(m - 1, j)));
      return np.subtract(Q, np.multiply(2, outer(v, np.matmul(v, Q))));
    },
    np.eye(n, m, 0, dt),
  );
  // R's diagonal is d; flip the columns whose entry is negative.
  return np.multiply(Q, np.where(np.less(d, 0), -1, 1));
}

/**
 * The same Q on the host, in float64, for a row-major n × m matrix (n ≥ m): what eager init
 * uses, since compiling the lax loop costs about half a second per shape and a plain
 * Householder QR of an init-sized matrix takes milliseconds. Columns are stored contiguously
 * (column-major) so every inner loop runs over adjacent memory.
 */
export function qrPositiveHost(a: ArrayLike<number>, n: number, m: number): Float64Array {
  const R = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) R[j * n + i] = a[i * m + j]!;
  const V = new Float64Array(n * m); // column k: the k-th unit reflector (zero above row k)
  const d = new Float64Array(m);
  const reflect = (M: Float64Array, k: number, j: number) => {
    const v = k * n;
    const c = j * n;
    let s = 0;
    for (let i = k; i < n; i++) s += V[v + i]! * M[c + i]!;
    s *= 2;
    for (let i = k; i < n; i++) M[c + i] = M[c + i]! - s * V[v + i]!;
  };
  for (let k = 0; k < m; k++) {
    const c = k * n;
    let norm = 0;
    for (let i = k; i < n; i++) norm += R[c + i]! * R[c + i]!;
    norm = Math.sqrt(norm);
    const alpha = R[c + k]! >= 0 ? -norm : norm;
    let wn = 0;
    for (let i = k; i < n; i++) {
      const w = R[c + i]! - (i === k ? alpha : 0);
      V[c + i] = w;
      wn += w * w;
    }
    wn = Math.sqrt(wn);
    if (wn > 0) for (let i = k; i < n; i++) V[c + i] = V[c + i]! / wn;
    d[k] = alpha;
    for (let j = k; j < m; j++) reflect(R, k, j);
  }
  // Q = H_0 ⋯ H_{m−1} · I[:, :m], applied right to left, then columns with R_kk < 0 flipped.
  const Q = new Float64Array(n * m);
  for (let j = 0; j < m; j++) Q[j * n + j] = 1;
  // Column j < k is still e_j when H_k is applied, and v_k is zero there: skip it.
  for (let k = m - 1; k >= 0; k--) for (let j = k; j < m; j++) reflect(Q, k, j);
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) out[i * m + j] = d[j]! < 0 ? -Q[j * n + i]! : Q[j * n + i]!;
  return out;
}
