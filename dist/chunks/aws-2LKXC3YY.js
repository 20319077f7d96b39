import { createRequire as __lppCreateRequire } from 'node:module'; const require = __lppCreateRequire(import.meta.url);
import {
  credentialsFrom,
  defaultRetryPolicy,
  describeAwsError,
  endpointFrom,
  isRetryable,
  isThrottle,
  makeClients,
  toUserError,
  withRetry
} from "./chunk-IUD7GM4C.js";
import "./chunk-HCMR2GAL.js";
import "./chunk-LYXEWKKS.js";
import "./chunk-SJ6SIYOC.js";
import "./chunk-52GMXU76.js";
import "./chunk-QK3BG52E.js";
export {
  credentialsFrom,
  defaultRetryPolicy,
  describeAwsError,
  endpointFrom,
  isRetryable,
  isThrottle,
  makeClients,
  toUserError,
  withRetry
};
