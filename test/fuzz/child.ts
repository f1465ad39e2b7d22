// Runs fuzz cases (indices into CASES, from argv) one after the other and reports each on
// stdout as `@@fuzz {"i":…,"ok":…,"message":…}`; a case that kills the process leaves a
// `@@start` line without its result, which the parent blames.
import { CASES } from "./corpus.js";

const report = (o: object) => process.stdout.write(`@@fuzz ${JSON.stringify(o)}\n`);

for (const i of process.argv.slice(2).map(Number)) {
  const c = CASES[i]!;
  process.stdout.write(`@@start ${i}\n`);
  try {
    await c.run();
    report({ i, ok: true });
  } catch (e) {
    report({ i, ok: false, message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
  }
}
