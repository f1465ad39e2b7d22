// An append-only log file: each record is one write, so a crash leaves at most a torn last
// record (which the readers skip); flush fsyncs; close is idempotent.
import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";

export class AppendOnlyFile {
  #fd: number | undefined;

  constructor(
    readonly path: string,
    private readonly owner: string,
  ) {
    mkdirSync(dirname(path), { recursive: true }); // writers create their folder
    this.#fd = openSync(path, "a");
  }

  append(record: string | Uint8Array): void {
    if (this.#fd === undefined) throw new Error(`${this.owner}(${this.path}): closed`);
    if (typeof record === "string") writeSync(this.#fd, record);
    else writeSync(this.#fd, record);
  }

  flush(): void {
    if (this.#fd !== undefined) fsyncSync(this.#fd);
  }

  close(): void {
    if (this.#fd === undefined) return;
    fsyncSync(this.#fd);
    closeSync(this.#fd);
    this.#fd = undefined;
  }
}
