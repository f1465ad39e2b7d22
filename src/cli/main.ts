#!/usr/bin/env node
// The xla-ts command line: train, eval, render, demo, devices (see run.ts).
import { runCli } from "./run.js";

runCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`xla-ts: ${e instanceof Error ? e.message : String(e)}\n`);
    if (process.env.XLA_TS_DEBUG && e instanceof Error && e.stack) process.stderr.write(e.stack + "\n");
    process.exit(1);
  },
);
