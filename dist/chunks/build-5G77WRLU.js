import { createRequire as __lppCreateRequire } from 'node:module'; const require = __lppCreateRequire(import.meta.url);
import {
  build,
  buildProgress,
  timed
} from "./chunk-HJGPKHAB.js";
import "./chunk-EUACNY2S.js";
import "./chunk-G5Z4V3NS.js";
import "./chunk-QJVFUJPW.js";
import "./chunk-26PJGCCU.js";
import "./chunk-CYE4DHQG.js";
import "./chunk-HCMR2GAL.js";
import "./chunk-LYXEWKKS.js";
import "./chunk-SJ6SIYOC.js";
import "./chunk-QK3BG52E.js";
export {
  build,
  buildProgress,
  timed
};
