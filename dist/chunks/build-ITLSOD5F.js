import { createRequire as __lppCreateRequire } from 'node:module'; const require = __lppCreateRequire(import.meta.url);
import {
  build,
  buildProgress,
  timed
} from "./chunk-MKJXID7G.js";
import "./chunk-EUACNY2S.js";
import "./chunk-TM23IENH.js";
import "./chunk-QJVFUJPW.js";
import "./chunk-DG5AWIPM.js";
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
