/** Pure: how each zip travels (direct or through S3), under which key, and what refuses a route. */
import { UserError } from "../errors.ts";
import { DIRECT_UPLOAD_LIMIT } from "../inspect/sizes.ts";
import { formatMB } from "../units.ts";
import type { ZipResult } from "../zip/writer.ts";
import type { DeployRequest, Observed, Route, S3Upload, Upload } from "./types.ts";

/** How each zip would travel; the only place that decides it. */
export function uploadRoutes(request: DeployRequest): { function?: Route; layer?: Route; refusals: UserError[] } {
  const refusals: UserError[] = [];
  const route = (what: string, zip: ZipResult | undefined): Route | undefined => {
    if (!zip) return undefined;
    const decided = uploadRoute(what, zip.size, request.s3.upload, request.s3.bucket);
    if (decided instanceof UserError) {
      if (!refusals.some((r) => r.message === decided.message)) refusals.push(decided);
      return undefined;
    }
    return decided;
  };
  return {
    function: request.functionName ? route("function", request.functionZip) : undefined,
    layer: request.layerName ? route("layer", request.layerZip) : undefined,
    refusals,
  };
}

function uploadRoute(what: string, zipSize: number, s3Upload: S3Upload, bucket: string | undefined): Route | UserError {
  if (s3Upload === "always" || (s3Upload === "auto" && bucket)) {
    if (!bucket)
      return new UserError(`s3-upload is "always" but no s3-bucket is set`, {
        hint: "set `s3-bucket` to a bucket in the function's region",
      });
    return "s3";
  }
  if (zipSize <= DIRECT_UPLOAD_LIMIT) return "direct";
  const size = formatMB(zipSize);
  if (s3Upload === "never") {
    return new UserError(
      `the ${what} zip is ${size}, over Lambda's 50 MB limit for a direct upload, and s3-upload is "never"`,
      { hint: "set `s3-bucket` and let `s3-upload: auto` send it through S3" },
    );
  }
  return new UserError(`the ${what} zip is ${size}, over Lambda's 50 MB limit for a direct upload`, {
    hint: "set `s3-bucket` to a bucket in the function's region: larger packages are uploaded there first",
  });
}

export function bucketRefusals(request: DeployRequest, observed: Observed): UserError[] {
  const bucket = request.s3.bucket;
  const seen = observed.bucket;
  if (!bucket || !seen) return [];
  if (!seen.exists) {
    return [
      new UserError(`S3 bucket ${bucket} does not exist`, {
        hint: `create it in ${observed.region} (this action never creates buckets), or fix \`s3-bucket\``,
      }),
    ];
  }
  if (seen.region === undefined || seen.region === observed.region) return [];
  return [
    new UserError(
      `S3 bucket ${bucket} is in ${seen.region}, but the function is in ${observed.region}: Lambda reads code only from a bucket in its own region`,
      { hint: `use a bucket in ${observed.region}` },
    ),
  ];
}

export function upload(request: DeployRequest, zip: ZipResult, route: Route | undefined, name: string): Upload {
  const bucket = request.s3.bucket;
  if (route !== "s3" || !bucket) return { zip, route: "direct" };
  const key = s3Key(request.s3.prefix, name, zip.sha256);
  return { zip, route, s3: { bucket, key, uri: `s3://${bucket}/${key}` } };
}

export function s3Key(prefix: string, name: string, sha256: string): string {
  const clean = prefix.replace(/^\/+|\/+$/g, "");
  return `${clean ? `${clean}/` : ""}${name}/${sha256}.zip`;
}
