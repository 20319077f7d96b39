import { createRequire as __lppCreateRequire } from 'node:module'; const require = __lppCreateRequire(import.meta.url);
import {
  InspectionFailed,
  checkPackageSizes,
  inspect,
  warnUnpinned
} from "./chunk-G5Z4V3NS.js";
import "./chunk-QJVFUJPW.js";
import "./chunk-CYE4DHQG.js";
import "./chunk-LYXEWKKS.js";
import "./chunk-SJ6SIYOC.js";
import "./chunk-QK3BG52E.js";
export {
  InspectionFailed,
  checkPackageSizes,
  inspect,
  warnUnpinned
};
