// Dispatch-only cost of a jitted call and of the native execute (the synchronous part: no wait
// for results), in µs per call, best of R rounds of N calls — a measure that a loaded machine
// disturbs far less than the full call with its wait. Outputs are disposed after each round.
//
//   node --import tsx bench/dispatch.ts [--rounds 30] [--calls 500]
import { jit, numpy as np, tree, type Value } from "../src/index.js";
import { compileJaxpr, toDevice } from "../src/core/backend.js";

const argv = process.argv.slice(2);
const arg = (n: string, d: number) => (argv.includes(n) ? Number(argv[argv.indexOf(n) + 1]) : d);
const ROUNDS = arg("--rounds", 30);
const CALLS = arg("--calls", 500);

const rows: string[] = [];
for (const leaves of [1, 10, 100]) {
  const xs = Array.from({ length: leaves }, (_, i) => np.full([4], i, "float32"));
  const f = jit((t: Value[]) => tree.map((x: Value) => np.add(x, 1), t));
  const lowered = f.lower(xs);
  const c = compileJaxpr(lowered.jaxpr);
  const bufs = xs.map((x: any) => toDevice(x));
  const outs: any[] = [];
  const exeRound = () => {
    const t0 = performance.now();
    for (let i = 0; i < CALLS; i++) outs.push(c.exe.run(bufs));
    return ((performance.now() - t0) * 1000) / CALLS;
  };
  const jitRound = () => {
    const t0 = performance.now();
    for (let i = 0; i < CALLS; i++) outs.push(f(xs));
    return ((performance.now() - t0) * 1000) / CALLS;
  };
  const drain = async () => {
    for (const o of outs.splice(0)) for (const b of o as any[]) { await b.blockUntilReady?.(); b.dispose(); }
  };
  let e = Infinity, j = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    e = Math.min(e, exeRound()); await drain();
    j = Math.min(j, jitRound()); await drain();
  }
  rows.push(`| ${leaves} | ${e.toFixed(2)} | ${j.toFixed(2)} |`);
}
console.log("| leaves | native execute µs | jitted call µs |\n|---:|---:|---:|\n" + rows.join("\n"));
