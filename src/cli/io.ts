// Where the CLI writes: results to stdout, errors and the progress display to stderr. Tests
// pass their own.
import type { ProgressStream } from "../workflows/progress.js";

export interface Io {
  out(s: string): void;
  err(s: string): void;
  /** The progress display's stream (default process.stderr). */
  progress?: ProgressStream;
}

const line = (s: string) => (s.endsWith("\n") ? s : s + "\n");

export const processIo: Io = {
  out: (s) => void process.stdout.write(line(s)),
  err: (s) => void process.stderr.write(line(s)),
  progress: process.stderr,
};
