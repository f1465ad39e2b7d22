// Child of exec_cache.test.ts: calls one jitted function with N distinct shapes and prints the
// resident set size (RSS) along the way as JSON, so that the parent measures a clean process.
import { Array as ConcreteArray, executableCacheInfo, jit, numpy as np, setExecutableCacheSize, type Value } from "../../src/index.js";

const n = Number(process.argv[2] ?? 500);
const capacity = process.argv[3] ? Number(process.argv[3]) : undefined;
if (capacity !== undefined) setExecutableCacheSize(capacity);
const warnings: string[] = [];
process.on("warning", (w) => warnings.push(`${(w as { code?: string }).code ?? ""} ${w.message}`));

const f = jit((x: Value) => np.add(x, 1));
const rss: { calls: number; mb: number }[] = [];
const gc = (globalThis as { gc?: () => void }).gc;
for (let i = 1; i <= n; i++) {
  // Host data (no eager compile): the jitted function is the only thing compiled, once per shape.
  (f(np.array(new Float32Array(i))) as ConcreteArray).dataSync();
  if (i % 50 === 0) {
    gc?.();
    rss.push({ calls: i, mb: process.memoryUsage().rss / 2 ** 20 });
  }
}
await new Promise((r) => setImmediate(r)); // warnings are emitted on the next tick
process.stdout.write(JSON.stringify({ rss, cache: executableCacheInfo(), warnings }) + "\n");
