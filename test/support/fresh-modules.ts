/**
 * The tiers run with `isolate: false`: a worker keeps its process between test files, so
 * the packages under node_modules (the AWS SDK, the toolkit: most of a file's start-up)
 * load once per worker instead of once per file. Our own modules (src/, devtools/, test/)
 * are evaluated afresh for every file, so module state (the registered secrets, queues)
 * never carries from one file into the next.
 */
import { vi } from "vitest";

vi.resetModules();
