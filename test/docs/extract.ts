// Extracts the ```ts blocks of README.md and docs/*.md for the doc tests (docs.test.ts).
//
// Fence info says what a block is:
//   ```ts          a complete program: type-checked in strict mode and run
//   ```ts partial  a fragment (a signature, one step of a longer program): type-checked only
//   ```ts long     a complete program that runs too long for `npm test` (a whole training run):
//                  type-checked always, run when XLA_TS_DOCS_LONG=1 (npm run test:docs:long)
// A fragment gets the declarations it needs from an HTML comment just above its fence, which
// renderers hide:
//   <!-- setup
//   import { type Value } from "xla-ts";
//   declare const w: Value;
//   -->
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

export type BlockKind = "run" | "partial" | "long";

export interface DocBlock {
  /** Markdown file, relative to the repository root. */
  file: string;
  /** 1-based line of the first code line (after the fence). */
  line: number;
  kind: BlockKind;
  code: string;
  /** Hidden declarations from a `<!-- setup ... -->` comment above the fence ("" if none). */
  setup: string;
}

const KINDS: Record<string, BlockKind> = { partial: "partial", long: "long" };

/** The markdown files whose blocks are tests: README.md and every docs/*.md. */
export function docFiles(root: string): string[] {
  const docs = readdirSync(join(root, "docs"))
    .filter((f) => f.endsWith(".md"))
    .sort()
    .map((f) => join(root, "docs", f));
  return [join(root, "README.md"), ...docs];
}

export function extractBlocks(root: string, path: string): DocBlock[] {
  const lines = readFileSync(path, "utf8").split("\n");
  const file = relative(root, path);
  const out: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\S*)\s*(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const [, indent, lang, info] = open;
    // Find the closing fence (same indentation or less).
    let j = i + 1;
    while (j < lines.length && !/^\s*```\s*$/.test(lines[j]!)) j++;
    if (lang === "ts" || lang === "typescript") {
      const words = (info ?? "").split(/\s+/).filter((w) => w.length > 0);
      const unknown = words.filter((w) => !(w in KINDS));
      if (unknown.length > 0) throw new Error(`${file}:${i + 1}: unknown fence info "${unknown.join(" ")}" (known: ${Object.keys(KINDS).join(", ")})`);
      const kind = words.map((w) => KINDS[w]!).find((k) => k !== undefined) ?? "run";
      const code = lines
        .slice(i + 1, j)
        .map((l) => (l.startsWith(indent ?? "") ? l.slice((indent ?? "").length) : l))
        .join("\n");
      out.push({ file, line: i + 2, kind, code, setup: setupAbove(lines, i) });
    }
    i = j;
  }
  return out;
}

/** The body of a `<!-- setup ... -->` comment ending just above line `fence` (blank lines allowed). */
function setupAbove(lines: string[], fence: number): string {
  let k = fence - 1;
  while (k >= 0 && lines[k]!.trim() === "") k--;
  if (k < 0 || lines[k]!.trim() !== "-->") return "";
  let start = k - 1;
  while (start >= 0 && !/^\s*<!--\s*setup\s*$/.test(lines[start]!)) {
    if (lines[start]!.includes("-->")) return "";
    start--;
  }
  if (start < 0) return "";
  return lines.slice(start + 1, k).join("\n");
}
