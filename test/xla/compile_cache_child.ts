// Compiles one program with the compilation cache of XLA_TS_COMPILATION_CACHE_DIR and prints
// `@@cc {"stats":…,"out":[…]}` (test/xla/compile_cache.test.ts runs it in fresh processes).
import { Runtime, compilationCacheStats } from "../../src/xla/index.js";
import { matmul } from "./programs.js";

const rt = Runtime.open();
const exe = rt.compileSync(matmul(6, 5, 4));
const a = rt.fromHost(Float32Array.from({ length: 30 }, (_, i) => Math.sin(i)), [6, 5]);
const b = rt.fromHost(Float32Array.from({ length: 20 }, (_, i) => Math.cos(i)), [5, 4]);
const out = Array.from(await exe.run([a, b])[0]!.toHost() as Float32Array);
process.stdout.write(`@@cc ${JSON.stringify({ stats: compilationCacheStats(), out })}\n`);
