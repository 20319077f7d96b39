import { createRequire as __lppCreateRequire } from 'node:module'; const require = __lppCreateRequire(import.meta.url);

// src/constants.ts
var PACKAGE_MODES = ["function", "layer", "split"];
var STAGE_TIMES_PREFIX = "Stage times (ms): ";

export {
  PACKAGE_MODES,
  STAGE_TIMES_PREFIX
};
