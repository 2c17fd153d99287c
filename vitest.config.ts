import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Integration suites load the real model and build a real index once per file.
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Two cores: one file at a time keeps the model's threads from fighting.
    fileParallelism: false,
  },
});
