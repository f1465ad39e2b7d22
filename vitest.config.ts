import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The addon and the XLA plugin are process-wide; forks keep one plugin per worker.
    pool: "forks",
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // The CLI's persistent compilation cache stays off in tests (tests that want it set a directory).
    env: { XLA_TS_COMPILATION_CACHE_DIR: "" },
  },
});
