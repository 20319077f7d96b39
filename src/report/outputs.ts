/** The action's outputs: every output has a value, empty when it does not apply. */
import { Output } from "../constants.ts";
import type { ActionResult } from "../run.ts";

export function toOutputs({ build, deploy }: ActionResult): Record<Output, string> {
  const f = build.functionZip;
  const l = build.layerZip;
  const coldStart = build.verify?.coldStart;
  const measured = coldStart && "measured" in coldStart ? coldStart.measured : undefined;
  return {
    [Output.FunctionZip]: f?.path ?? "",
    [Output.LayerZip]: l?.path ?? "",
    [Output.FunctionSha256]: f?.sha256 ?? "",
    [Output.LayerSha256]: l?.sha256 ?? "",
    [Output.FunctionCodeSha256]: f?.codeSha256 ?? "",
    [Output.LayerCodeSha256]: l?.codeSha256 ?? "",
    [Output.FunctionSize]: f ? String(f.size) : "",
    [Output.LayerSize]: l ? String(l.size) : "",
    [Output.UnzippedSize]: String(build.unzippedSize),
    [Output.CacheKey]: build.cache.enabled ? build.cache.key : "",
    [Output.CacheHit]: String(build.cache.hit),
    [Output.Deployed]: deploy.deployed,
    [Output.FunctionArn]: deploy.functionArn ?? "",
    [Output.FunctionVersion]: deploy.functionVersion ?? "",
    [Output.AliasArn]: deploy.aliasArn ?? "",
    [Output.LayerVersionArn]: deploy.layerVersionArn ?? "",
    [Output.LayerVersion]: deploy.layerVersion ?? "",
    [Output.FunctionS3Uri]: deploy.functionS3Uri ?? "",
    [Output.LayerS3Uri]: deploy.layerS3Uri ?? "",
    [Output.PreviousVersion]: deploy.previousVersion ?? "",
    [Output.Rollout]: deploy.rollout ?? "skipped",
    [Output.ImportMs]: measured ? String(measured.import.medianMs) : "",
    [Output.ImportModules]: measured ? String(measured.modules) : "",
  };
}
