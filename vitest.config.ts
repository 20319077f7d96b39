import { defineConfig } from "vitest/config";

/**
 * Two tiers, one run: `vitest run` runs both (so one JSON report covers every test),
 * `vitest run --project unit` or `--project e2e` runs one.
 *
 * unit: plans and decisions over values and small files; no servers, no Python, no
 * pip, no child processes (test/support/unit-guard.ts refuses them), so it takes
 * every core and finishes in seconds.
 * e2e (`*.e2e.test.ts`): the real pip, the local index, the local AWS and the local
 * services.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/**/*.test.ts"],
          exclude: ["test/**/*.e2e.test.ts"],
          setupFiles: ["test/support/fresh-modules.ts", "test/support/unit-guard.ts"],
          testTimeout: 10_000,
          // every core (vitest's default leaves one idle: 1 worker on 2 cores; 2 workers
          // measured 22–25 s against 26–42 s under load 6–7), and first, so a broken
          // decision fails in seconds; a different worker count needs a group of its own
          maxWorkers: "100%",
          // a worker runs file after file (node_modules load once per worker, not per file);
          // fresh-modules.ts re-evaluates our own modules for each file: 15 s → 7 s wall
          isolate: false,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/**/*.e2e.test.ts"],
          setupFiles: ["test/support/fresh-modules.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // pip runs are CPU-bound child processes: more files at once than cores only
          // makes each one slower (measured on two cores), so at most two at a time
          maxWorkers: 2,
          // as in unit: the AWS SDK and the toolkit load once per worker instead of once per
          // file (~1.4 s each); our own modules are fresh per file (fresh-modules.ts), and a
          // file that puts something in process.env puts it back
          isolate: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
