// Atomic file writes: to a temporary name in the same directory, fsynced, renamed over the
// target, then the directory fsynced — a reader, or a crash, never sees half a file, and a
// failed write leaves the previous file as it was.
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import * as nodePath from "node:path";

/** Test hook: called after each chunk reaches the temporary file. */
export const _testHooks: { afterWrite?: (bytesSoFar: number) => void } = {};

export async function writeAtomic(where: string, path: string, body: (write: (b: Uint8Array) => Promise<void>) => Promise<void>): Promise<void> {
  const target = nodePath.resolve(path);
  const dir = nodePath.dirname(target);
  const tmp = nodePath.join(dir, `.${nodePath.basename(target)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  let fh: fs.FileHandle | undefined;
  try {
    await fs.mkdir(dir, { recursive: true }); // writers create their folder
    fh = await fs.open(tmp, "wx");
    let written = 0;
    const handle = fh;
    await body(async (b) => {
      let off = 0;
      while (off < b.length) off += (await handle.write(b, off, b.length - off)).bytesWritten;
      written += b.length;
      _testHooks.afterWrite?.(written);
    });
    await fh.sync();
    await fh.close();
    fh = undefined;
    await fs.rename(tmp, target);
  } catch (e) {
    await fh?.close().catch(() => undefined);
    await fs.unlink(tmp).catch(() => undefined);
    throw new Error(`${where}: ${(e as Error).message}; the previous file (if any) is unchanged`, { cause: e });
  }
  // The rename is durable once the directory entry is on disk.
  try {
    const dfh = await fs.open(dir, "r");
    try {
      await dfh.sync();
    } finally {
      await dfh.close();
    }
  } catch {
    /* some filesystems cannot fsync a directory; the rename itself has happened */
  }
}

/** Writes `data` to `path` atomically, creating its directory if needed. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  await writeAtomic(`cannot write ${path}`, path, (write) => write(bytes));
}
