// Crash fuzzing: every case of the corpus runs in a child process; none may end it abnormally
// (a signal such as SIGSEGV / SIGABRT, or V8's fatal-error exit), and each must give the
// error it is expected to give. Cases that end the process themselves (process.exit, an
// uncaught exception, a terminated worker) run alone and must exit with their own code.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CASES, type FuzzCase } from "./corpus.js";
import { noRuntime } from "../xla/programs.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const CHILD = path.join(ROOT, "test/fuzz/child.ts");

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function runChild(indices: number[]): Promise<Exit> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ["--import", "tsx", CHILD, ...indices.map(String)], {
      cwd: ROOT,
      env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: "2" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    p.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    p.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

interface Outcome {
  c: FuzzCase;
  ok?: boolean;
  message?: string;
  /** Set when the case ended its process abnormally. */
  crash?: string;
  exit?: Exit;
}

const abnormal = (e: Exit) => e.signal !== null || (e.code !== 0 && e.code !== 1 && e.code !== 3) || /FATAL ERROR|Segmentation|Aborted|terminate called/.test(e.stderr);

/** Runs `indices` in one child; a crash blames the case in flight and the rest run anew. */
async function runBatch(indices: number[]): Promise<Outcome[]> {
  const out: Outcome[] = [];
  let todo = indices;
  while (todo.length) {
    const e = await runChild(todo);
    const done = new Set<number>();
    for (const line of e.stdout.split("\n")) {
      if (!line.startsWith("@@fuzz ")) continue;
      const r = JSON.parse(line.slice(7)) as { i: number; ok: boolean; message?: string };
      done.add(r.i);
      out.push({ c: CASES[r.i]!, ok: r.ok, message: r.message });
    }
    const rest = todo.filter((i) => !done.has(i));
    if (!rest.length) {
      if (abnormal(e)) out.push({ c: CASES[todo[todo.length - 1]!]!, crash: `exit after the last case: code ${e.code} signal ${e.signal}\n${e.stderr.slice(-2000)}` });
      break;
    }
    out.push({ c: CASES[rest[0]!]!, crash: `code ${e.code} signal ${e.signal}\n${e.stderr.slice(-2000)}` });
    todo = rest.slice(1);
  }
  return out;
}

async function pool<T>(jobs: (() => Promise<T>)[], width: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < jobs.length) {
        const k = next++;
        results[k] = await jobs[k]!();
      }
    }),
  );
  return results;
}

describe("crash fuzzing harness", () => {
  it("recognises an aborted and a segfaulted child", async () => {
    for (const code of ["process.abort()", "process.kill(process.pid, 'SIGSEGV')"]) {
      const e = await new Promise<Exit>((resolve) => {
        const p = spawn(process.execPath, ["-e", code], { stdio: ["ignore", "pipe", "pipe"] });
        p.on("close", (c, signal) => resolve({ code: c, signal, stdout: "", stderr: "" }));
      });
      expect(abnormal(e)).toBe(true);
    }
  });
});

describe.skipIf(noRuntime)("crash fuzzing", () => {
  it(`runs ${CASES.length} bad inputs in child processes with no abnormal exit and a clear error each`, async () => {
    const batch = CASES.map((c, i) => (c.isolated ? -1 : i)).filter((i) => i >= 0);
    const alone = CASES.map((c, i) => (c.isolated ? i : -1)).filter((i) => i >= 0);
    const half = Math.ceil(batch.length / 2);
    const jobs: (() => Promise<Outcome[]>)[] = [
      () => runBatch(batch.slice(0, half)),
      () => runBatch(batch.slice(half)),
      ...alone.map((i) => async () => {
        const e = await runChild([i]);
        return [{ c: CASES[i]!, exit: e, crash: abnormal(e) || e.code !== CASES[i]!.isolated!.exitCode ? `code ${e.code} signal ${e.signal}\n${e.stderr.slice(-2000)}` : undefined }];
      }),
    ];
    const outcomes = (await pool(jobs, 2)).flat();

    const crashes = outcomes.filter((o) => o.crash).map((o) => `${o.c.id}: ${o.crash}`);
    expect(crashes).toEqual([]);
    const unclear: string[] = [];
    for (const o of outcomes) {
      if (o.c.isolated) continue;
      if (o.ok) {
        if (o.c.expect && !o.c.mayPass) unclear.push(`${o.c.id}: succeeded, expected an error matching ${o.c.expect}`);
      } else if (!o.c.expect || !o.c.expect.test(o.message ?? "")) {
        unclear.push(`${o.c.id}: ${o.message} (expected ${o.c.expect ?? "success"})`);
      }
    }
    expect(unclear).toEqual([]);
    expect(outcomes.length).toBe(CASES.length);
  }, 600_000);
});
