import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // pip runs are CPU-bound child processes; two cores, so two test files at a time
    maxWorkers: 2,
  },
});
