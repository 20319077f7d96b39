/** Pure deploy decisions: how each zip travels, the layer list after attaching, the S3 key. */
import { UserError } from "../errors.ts";
import { DIRECT_UPLOAD_LIMIT } from "../inspect/sizes.ts";
import { formatMB } from "../inspect/util.ts";

export { formatMB };
export const MAX_LAYERS = 5;

export type S3Upload = "auto" | "always" | "never";

export function uploadRoute(
  what: string,
  zipSize: number,
  s3Upload: S3Upload,
  bucket: string | undefined,
): "direct" | "s3" {
  if (s3Upload === "always" || (s3Upload === "auto" && bucket)) {
    if (!bucket)
      throw new UserError(`s3-upload is "always" but no s3-bucket is set`, {
        hint: "set `s3-bucket` to a bucket in the function's region",
      });
    return "s3";
  }
  if (zipSize <= DIRECT_UPLOAD_LIMIT) return "direct";
  const size = formatMB(zipSize);
  if (s3Upload === "never") {
    throw new UserError(
      `the ${what} zip is ${size}, over Lambda's 50 MB limit for a direct upload, and s3-upload is "never"`,
      {
        hint: "set `s3-bucket` and let `s3-upload: auto` send it through S3",
      },
    );
  }
  throw new UserError(`the ${what} zip is ${size}, over Lambda's 50 MB limit for a direct upload`, {
    hint: "set `s3-bucket` to a bucket in the function's region: larger packages are uploaded there first",
  });
}

/** `arn:aws:lambda:region:account:layer:name:version` → `arn:aws:lambda:region:account:layer:name` */
export function layerBaseArn(arn: string): string {
  const parts = arn.split(":");
  return parts.length === 8 ? parts.slice(0, 7).join(":") : arn;
}

/**
 * UpdateFunctionConfiguration replaces the whole list: keep the user's other layers
 * in place and swap only the ARN of the same layer (or add ours at the end).
 */
export function layersAfterAttach(current: string[], newLayerVersionArn: string): string[] {
  const base = layerBaseArn(newLayerVersionArn);
  const index = current.findIndex((arn) => layerBaseArn(arn) === base);
  const next = [...current];
  if (index >= 0) next[index] = newLayerVersionArn;
  else next.push(newLayerVersionArn);
  if (next.length > MAX_LAYERS) {
    throw new UserError(
      `attaching ${newLayerVersionArn} would give the function ${next.length} layers; Lambda allows ${MAX_LAYERS}`,
      {
        hint: "remove a layer from the function, or set `attach-layer: false`",
      },
    );
  }
  return next;
}

export function s3Key(prefix: string, name: string, sha256: string): string {
  const clean = prefix.replace(/^\/+|\/+$/g, "");
  return `${clean ? `${clean}/` : ""}${name}/${sha256}.zip`;
}

export function layerDescription(runtime: string, architecture: string, cacheKey: string): string {
  return `lambda-python-package: ${runtime} ${architecture}, dependencies ${cacheKey.split("-").pop()?.slice(0, 16) ?? ""}`.slice(
    0,
    256,
  );
}
