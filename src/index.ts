/**
 * The bundle's entry point (dist/index.js). Its V8 settings come first (memory.ts): they must
 * be made before the pipeline allocates. src/main.ts exports `run()` so local-action can call it too.
 */
import "./memory.ts";
import { run } from "./main.ts";

await run();
