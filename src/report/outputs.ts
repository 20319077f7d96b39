/** The action's outputs, from a build result: every output has a value, empty when not built. */
import { Output } from "../constants.ts";
import type { BuildResult } from "../run.ts";

export function toOutputs(result: BuildResult): Record<Output, string> {
  const f = result.functionZip;
  const l = result.layerZip;
  return {
    [Output.FunctionZip]: f?.path ?? "",
    [Output.LayerZip]: l?.path ?? "",
    [Output.FunctionSha256]: f?.sha256 ?? "",
    [Output.LayerSha256]: l?.sha256 ?? "",
    [Output.FunctionCodeSha256]: f?.codeSha256 ?? "",
    [Output.LayerCodeSha256]: l?.codeSha256 ?? "",
    [Output.FunctionSize]: f ? String(f.size) : "",
    [Output.LayerSize]: l ? String(l.size) : "",
    [Output.UnzippedSize]: String(result.unzippedSize),
    [Output.CacheKey]: result.cache.enabled ? result.cache.key : "",
    [Output.CacheHit]: String(result.cache.hit),
  };
}
