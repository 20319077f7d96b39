import { createRequire as __lppCreateRequire } from 'node:module'; const require = __lppCreateRequire(import.meta.url);
import "./chunk-RJD5QFAY.js";
import "./chunk-QK3BG52E.js";

// src/report/outputs.ts
function toOutputs({ build, deploy }) {
  const f = build.functionZip;
  const l = build.layerZip;
  const coldStart = build.verify?.coldStart;
  const measured = coldStart && "measured" in coldStart ? coldStart.measured : void 0;
  return {
    ["function-zip" /* FunctionZip */]: f?.path ?? "",
    ["layer-zip" /* LayerZip */]: l?.path ?? "",
    ["function-sha256" /* FunctionSha256 */]: f?.sha256 ?? "",
    ["layer-sha256" /* LayerSha256 */]: l?.sha256 ?? "",
    ["function-code-sha256" /* FunctionCodeSha256 */]: f?.codeSha256 ?? "",
    ["layer-code-sha256" /* LayerCodeSha256 */]: l?.codeSha256 ?? "",
    ["function-size" /* FunctionSize */]: f ? String(f.size) : "",
    ["layer-size" /* LayerSize */]: l ? String(l.size) : "",
    ["unzipped-size" /* UnzippedSize */]: String(build.unzippedSize),
    ["cache-key" /* CacheKey */]: build.cache.enabled ? build.cache.key : "",
    ["cache-hit" /* CacheHit */]: String(build.cache.hit),
    ["deployed" /* Deployed */]: deploy.deployed,
    ["function-arn" /* FunctionArn */]: deploy.functionArn ?? "",
    ["function-version" /* FunctionVersion */]: deploy.functionVersion ?? "",
    ["alias-arn" /* AliasArn */]: deploy.aliasArn ?? "",
    ["layer-version-arn" /* LayerVersionArn */]: deploy.layerVersionArn ?? "",
    ["layer-version" /* LayerVersion */]: deploy.layerVersion ?? "",
    ["function-s3-uri" /* FunctionS3Uri */]: deploy.functionS3Uri ?? "",
    ["layer-s3-uri" /* LayerS3Uri */]: deploy.layerS3Uri ?? "",
    ["previous-version" /* PreviousVersion */]: deploy.previousVersion ?? "",
    ["rollout" /* Rollout */]: deploy.rollout ?? "skipped",
    ["import-ms" /* ImportMs */]: measured ? String(measured.import.medianMs) : "",
    ["import-modules" /* ImportModules */]: measured ? String(measured.modules) : ""
  };
}
export {
  toOutputs
};
