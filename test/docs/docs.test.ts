// Every ```ts block of README.md and docs/*.md is a test: all of them are type-checked in one
// strict `tsc` program (as a user pasting them into a .ts file would compile them), and the
// complete ones are run, each as its own module in a scratch directory. See extract.ts for
// the fence info (`partial`, `long`) and hidden setup comments.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { docFiles, extractBlocks, type DocBlock } from "./extract.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const outDir = join(root, "test", "docs", ".generated");
const runLong = process.env.XLA_TS_DOCS_LONG === "1";

interface Generated {
  block: DocBlock;
  path: string;
  /** Line (1-based) of the generated file where the block's own code starts. */
  codeStart: number;
}

// `from "xla-ts"` (and subpaths) -> the sources, so the docs test the code, not a stale dist/.
const rewrite = (code: string): string =>
  code.replace(/from\s+"xla-ts(\/[\w/-]+)?"/g, (_m, sub: string | undefined) => `from "../../../src${sub ?? ""}/index.js"`);

function generate(): Generated[] {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  writeFileSync(
    join(outDir, "tsconfig.json"),
    JSON.stringify({ extends: "../../../tsconfig.json", compilerOptions: { noEmit: true }, include: ["*.ts", "../../../src/**/*.d.ts"], exclude: [] }, null, 2),
  );
  const out: Generated[] = [];
  for (const md of docFiles(root))
    for (const block of extractBlocks(root, md)) {
      const name = `${block.file.replace(/\.md$/, "").replace(/[^\w]+/g, "_")}_L${block.line}.ts`;
      const head = [`// generated from ${block.file}:${block.line} by test/docs/docs.test.ts; do not edit`];
      if (block.setup) head.push(rewrite(block.setup));
      const text = `${head.join("\n")}\n${rewrite(block.code)}\nexport {};\n`;
      writeFileSync(join(outDir, name), text);
      out.push({ block, path: join(outDir, name), codeStart: head.join("\n").split("\n").length + 1 });
    }
  return out;
}

const generated = generate();
const where = (g: Generated) => `${g.block.file}:${g.block.line}`;

/** tsc diagnostics per generated file, with lines mapped back to the markdown. */
function typecheck(): Map<string, string[]> {
  const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
  let output = "";
  try {
    execFileSync(process.execPath, [tsc, "-p", join(outDir, "tsconfig.json"), "--pretty", "false"], { cwd: root, encoding: "utf8" });
  } catch (e) {
    output = String((e as { stdout?: string }).stdout ?? e);
  }
  const byFile = new Map<string, string[]>();
  const outside = "(outside the doc blocks)";
  for (const line of output.split("\n")) {
    const m = /^(.*?)\((\d+),(\d+)\): (error .*)$/.exec(line);
    if (!m) {
      // A diagnostic without a position (no inputs, a bad tsconfig) fails the run as a whole.
      if (/error TS\d+/.test(line)) byFile.set(outside, [...(byFile.get(outside) ?? []), line]);
      continue;
    }
    const g = generated.find((x) => join(root, m[1]!) === x.path || m[1] === x.path);
    const key = g?.path ?? outside;
    const l = Number(m[2]);
    const at = g ? (l >= g.codeStart ? `${g.block.file}:${g.block.line + l - g.codeStart}` : `${g.block.file}:${g.block.line} (setup line ${l - 1})`) : m[1];
    byFile.set(key, [...(byFile.get(key) ?? []), `${at}:${m[3]}: ${m[4]}`]);
  }
  return byFile;
}

describe("documentation code blocks", () => {
  let diagnostics = new Map<string, string[]>();
  beforeAll(() => {
    diagnostics = typecheck();
  }, 300_000);

  it("exist (the harness finds README.md's and docs/*.md's blocks)", () => {
    expect(generated.length).toBeGreaterThan(10);
    expect(generated.some((g) => g.block.file === "README.md")).toBe(true);
  });

  it("type-check nothing outside themselves", () => {
    expect(diagnostics.get("(outside the doc blocks)") ?? []).toEqual([]);
  });

  for (const g of generated) {
    describe(`${where(g)} (${g.block.kind})`, () => {
      it("compiles under strict tsc", () => {
        expect(diagnostics.get(g.path) ?? [], `${where(g)} does not compile`).toEqual([]);
      });
      if (g.block.kind === "partial") return;
      it.skipIf(g.block.kind === "long" && !runLong)(
        "runs",
        async () => {
          const cwd = process.cwd();
          const scratch = mkdtempSync(join(tmpdir(), "xla-ts-docs-"));
          process.chdir(scratch);
          try {
            await import(pathToFileURL(g.path).href);
          } finally {
            process.chdir(cwd);
            rmSync(scratch, { recursive: true, force: true });
          }
        },
        g.block.kind === "long" ? 1_800_000 : 300_000,
      );
    });
  }
});


