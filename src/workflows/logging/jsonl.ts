// metrics.jsonl: one JSON object per logged iteration, `{"step": envSteps, "wallTime": unix s,
// ...metrics}`; NaN (an iteration in which no episode ended) is written as null. Lines are
// appended whole, one write each, so a crash leaves at most a partial last line, which
// `readJsonl` skips; on resume `truncateJsonl` rewrites the file (atomically) up to the checkpoint.
import { promises as fs } from "node:fs";
import { AppendOnlyFile } from "./append.js";
import { writeFileAtomic } from "../outputs/atomic.js";
import type { HostMetrics, Logger } from "../workflow.js";

export type MetricsRow = { step: number; wallTime?: number } & Record<string, number | null | undefined>;

export class JsonlLogger implements Logger {
  readonly #file: AppendOnlyFile;
  constructor(readonly path: string) {
    this.#file = new AppendOnlyFile(path, "JsonlLogger");
  }

  log(step: number, metrics: HostMetrics): void {
    const row = { step, wallTime: Math.round(Date.now()) / 1000, ...metrics };
    this.#file.append(JSON.stringify(row) + "\n");
  }

  flush(): void {
    this.#file.flush();
  }

  close(): void {
    this.#file.close();
  }
}

/** The rows of a metrics.jsonl file; a partial or unparsable line is skipped. A missing file has none. */
export async function readJsonl(path: string): Promise<MetricsRow[]> {
  let text: string;
  try {
    text = await fs.readFile(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw e;
  }
  const rows: MetricsRow[] = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    try {
      const r = JSON.parse(line) as MetricsRow | null;
      if (r !== null && typeof r === "object" && typeof r.step === "number") rows.push(r);
    } catch {
      /* a line cut short by a crash */
    }
  }
  return rows;
}

/** Keeps the rows with step <= maxStep (rewriting the file atomically). */
export async function truncateJsonl(path: string, maxStep: number): Promise<void> {
  const rows = await readJsonl(path);
  await writeFileAtomic(path, rows.filter((r) => r.step <= maxStep).map((r) => JSON.stringify(r) + "\n").join(""));
}
