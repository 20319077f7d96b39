/**
 * Run after zipping, when the sizes are known: Lambda's size limits, as its
 * documentation states them (1 MB = 1,048,576 bytes).
 * - function + layer unzipped > 262,144,000 bytes → error (the API refuses it);
 * - a zip > 50 MB (52,428,800 bytes) with no S3 bucket configured → warning (the
 *   deploy stage refuses the direct upload later; building is still fine);
 * - at or above 80% of either limit → warning.
 * Each message lists the ten largest distributions and says what helps.
 */
import type { Target } from "../target.ts";
import { exactBytes, formatMB } from "../units.ts";
import type { DistributionReport, Finding } from "./types.ts";

export const UNZIPPED_LIMIT = 262_144_000;
export const DIRECT_UPLOAD_LIMIT = 52_428_800;
export const WARN_FRACTION = 0.8;

export interface SizeInput {
  target: Target;
  /** unzipped bytes of the function zip (code, plus dependencies unless they go to a layer) */
  unzippedFunction: number;
  /** unzipped bytes of the layer zip; 0 when there is none */
  unzippedLayer: number;
  zippedFunction?: number;
  zippedLayer?: number;
  /** an S3 bucket is configured for the upload */
  s3Configured: boolean;
  distributions: Pick<DistributionReport, "name" | "version" | "unzippedSize">[];
}

/** "numpy 2.3.1 (34.2 MB), scipy 1.14.0 (80.1 MB), ..." — the ten largest. */
export function largestDistributions(distributions: SizeInput["distributions"], count = 10): string {
  const top = [...distributions]
    .sort((a, b) => b.unzippedSize - a.unzippedSize || a.name.localeCompare(b.name))
    .slice(0, count);
  return top.map((d) => `${d.name} ${d.version} (${formatMB(d.unzippedSize)})`).join(", ");
}

export function checkSizes(input: SizeInput): Finding[] {
  const findings: Finding[] = [];
  const largest = largestDistributions(input.distributions);
  const listing = largest ? ` Largest distributions (unzipped): ${largest}.` : "";
  const percent = (value: number, limit: number) => `${Math.floor((value / limit) * 100)}%`;

  const unzipped = input.unzippedFunction + input.unzippedLayer;
  // package: layer builds no function zip: the layer alone is measured
  const both = input.unzippedLayer > 0 && input.unzippedFunction > 0;
  const parts = both ? ` (function ${formatMB(input.unzippedFunction)} + layer ${formatMB(input.unzippedLayer)})` : "";
  const subject = both
    ? "function and layer unzip"
    : input.unzippedLayer > 0
      ? "the layer unzips"
      : "the function unzips";
  const unzippedHint =
    "drop a heavy optional dependency (or an extra that pulls it in), or deploy as a container image (up to 10 GB); " +
    "moving dependencies into a layer does not help here: the limit counts the function and its layers together";
  if (unzipped > UNZIPPED_LIMIT) {
    findings.push({
      severity: "error",
      check: "size",
      message:
        `${subject} to ${formatMB(unzipped)} (${exactBytes(unzipped)})${parts}, over Lambda's limit of ` +
        `${formatMB(UNZIPPED_LIMIT)} (${exactBytes(UNZIPPED_LIMIT)}); ${input.target.runtime} would refuse it ` +
        `("Unzipped size must be smaller than 262144000 bytes").${listing}`,
      hint: unzippedHint,
    });
  } else if (unzipped >= UNZIPPED_LIMIT * WARN_FRACTION) {
    findings.push({
      severity: "warning",
      check: "size",
      message:
        `${subject} to ${formatMB(unzipped)} (${exactBytes(unzipped)})${parts}, ` +
        `${percent(unzipped, UNZIPPED_LIMIT)} of Lambda's limit of ${formatMB(UNZIPPED_LIMIT)}.${listing}`,
      hint: `little room is left for the next dependency upgrade: ${unzippedHint}`,
    });
  }

  if (!input.s3Configured) {
    const zips: [string, number | undefined, boolean][] = [
      ["function", input.zippedFunction, input.unzippedLayer > 0 || input.zippedLayer !== undefined],
      ["layer", input.zippedLayer, true],
    ];
    for (const [kind, size, hasLayer] of zips) {
      if (size === undefined) continue;
      const zipHint =
        "configure an S3 bucket for the upload" +
        (kind === "function" && !hasLayer ? ", split the dependencies into a layer (package-mode: split)" : "") +
        ", or drop a heavy optional dependency";
      if (size > DIRECT_UPLOAD_LIMIT) {
        findings.push({
          severity: "warning",
          check: "size",
          message:
            `the ${kind} zip is ${formatMB(size)} (${exactBytes(size)}), over the ${formatMB(DIRECT_UPLOAD_LIMIT)} limit for a ` +
            `direct upload, and no S3 bucket is configured: deploying it will be refused.${listing}`,
          hint: zipHint,
        });
      } else if (size >= DIRECT_UPLOAD_LIMIT * WARN_FRACTION) {
        findings.push({
          severity: "warning",
          check: "size",
          message:
            `the ${kind} zip is ${formatMB(size)} (${exactBytes(size)}), ${percent(size, DIRECT_UPLOAD_LIMIT)} of the ` +
            `${formatMB(DIRECT_UPLOAD_LIMIT)} limit for a direct upload (no S3 bucket is configured).${listing}`,
          hint: zipHint,
        });
      }
    }
  }
  return findings;
}
