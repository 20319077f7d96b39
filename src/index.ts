/** The bundle's entry point (dist/index.js); src/main.ts exports `run()` so local-action can call it too. */
import { run } from "./main.ts";

await run();
