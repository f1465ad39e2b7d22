// `npm start`: a tour of the core on the installed plugin, printing real numbers.
import { jit, grad, vmap, lax, numpy as np, random, backendName, type Value } from "../index.js";
import { xlaRuntime } from "../core/index.js";

export async function devices(): Promise<void> {
  if (backendName() !== "xla") {
    console.log("backend: ref (no PJRT plugin; run `npm install` or set XLA_TS_PJRT_PLUGIN)");
    return;
  }
  const rt = xlaRuntime();
  console.log(`plugin: ${rt.pluginPath}`);
  console.log(`platform: ${rt.platform}, PJRT API ${rt.apiVersion.major}.${rt.apiVersion.minor}`);
  for (const d of rt.devices) console.log(`  device ${d.id}: ${d.kind} (${d.platform})`);
}

const fmt = (xs: ArrayLike<number | bigint>) => Array.from(xs, (v) => Number(v).toFixed(4)).join(", ");

export async function demo(): Promise<void> {
  await devices();
  console.log(`backend: ${backendName()}\n`);

  // A jitted function: traced once, compiled once, then called.
  const predict = (w: Value, b: Value, x: Value) => np.tanh(np.add(np.matmul(x, w), b));
  const loss = (w: Value, b: Value, x: Value, y: Value) => np.mean(np.square(np.subtract(predict(w, b, x), y)));
  const key = random.key(0);
  const keys = random.split(key, 3);
  const x = random.normal(np.get(keys, 0), [64, 3]);
  const wTrue = np.array([[0.5], [-1.0], [0.25]]);
  const y = np.tanh(np.matmul(x, wTrue));
  let w = np.zeros([3, 1]);
  let b = np.zeros([1]);

  const step = jit((w: Value, b: Value, x: Value, y: Value) => {
    const [gw, gb] = grad(loss, { argnums: [0, 1] })(w, b, x, y) as [Value, Value];
    return [np.subtract(w, np.multiply(gw, 0.5)), np.subtract(b, np.multiply(gb, 0.5))];
  });
  const t0 = performance.now();
  for (let i = 0; i < 200; i++) [w, b] = step(w, b, x, y) as [Value, Value];
  const l = await loss(w, b, x, y).data();
  const ms = performance.now() - t0;
  console.log(`gradient descent, 200 jitted steps (first call compiles) in ${ms.toFixed(0)} ms`);
  console.log(`  learned w = [${fmt(await w.data())}] (true [0.5, -1, 0.25]), loss ${Number(l[0]).toExponential(2)}`);

  // vmap: per-example gradients without a loop.
  const perExample = vmap(grad((w: Value, xi: Value, yi: Value) => np.sum(np.square(np.subtract(np.matmul(xi, w), yi)))), {
    inAxes: [null, 0, 0],
  });
  const g = perExample(w, np.reshape(x, [64, 1, 3]), np.reshape(y, [64, 1, 1])) as Value;
  console.log(`per-example gradients by vmap(grad): shape [${g.shape}]`);

  // lax.scan: a discounted return computed by a reverse scan.
  const rewards = np.array([1, 0, 0, 1, 1]);
  const [, returns] = lax.scan((G: Value, r: Value) => {
    const next = np.add(r, np.multiply(G, 0.9));
    return [next, next];
  }, np.array(0.0, "float32"), rewards, { reverse: true }) as [Value, Value];
  console.log(`discounted returns (γ=0.9) of [1, 0, 0, 1, 1]: [${fmt(await returns.data())}]`);

  // Random numbers: the same bits as jax.random for the same seed.
  const u = random.uniform(random.key(42), [3]);
  console.log(`random.uniform(key(42), [3]) = [${fmt(await u.data())}] (identical to jax.random.uniform)`);
}
