import { describe, expect, it } from "vitest";
import { checkSizes, DIRECT_UPLOAD_LIMIT, type SizeInput, UNZIPPED_LIMIT } from "../src/inspect/sizes.ts";
import { makeTarget } from "../src/target.ts";
import { formatMB } from "../src/units.ts";

const MB = 1048576;
const target = makeTarget("python3.12", "x86_64");
const dists = Array.from({ length: 12 }, (_, i) => ({
  name: `dist${String(i + 1).padStart(2, "0")}`,
  version: `${i}.0`,
  unzippedSize: (i + 1) * 10 * MB + MB / 4, // 10.25 MB → "10.3 MB", 20.25 MB, …
}));
const input = (over: Partial<SizeInput>): SizeInput => ({
  target,
  unzippedFunction: 1000,
  unzippedLayer: 0,
  s3Configured: false,
  distributions: dists,
  ...over,
});

describe("size limits", () => {
  it("formats sizes in Lambda's megabytes with one decimal", () => {
    expect(formatMB(UNZIPPED_LIMIT)).toBe("250.0 MB");
    expect(formatMB(DIRECT_UPLOAD_LIMIT)).toBe("50.0 MB");
    expect(formatMB(34.25 * MB)).toBe("34.3 MB");
  });

  it("errors over 262,144,000 unzipped bytes (function + layer), listing the ten largest distributions", () => {
    const findings = checkSizes(input({ unzippedFunction: 12 * MB, unzippedLayer: UNZIPPED_LIMIT - 12 * MB + 1 }));
    expect(findings).toHaveLength(1);
    const [f] = findings;
    expect(f).toMatchObject({ severity: "error", check: "size" });
    expect(f?.message).toBe(
      "function and layer unzip to 250.0 MB (262,144,001 bytes) (function 12.0 MB + layer 238.0 MB), over Lambda's limit of " +
        '250.0 MB (262,144,000 bytes); python3.12 would refuse it ("Unzipped size must be smaller than 262144000 bytes"). ' +
        "Largest distributions (unzipped): dist12 11.0 (120.3 MB), dist11 10.0 (110.3 MB), dist10 9.0 (100.3 MB), " +
        "dist09 8.0 (90.3 MB), dist08 7.0 (80.3 MB), dist07 6.0 (70.3 MB), dist06 5.0 (60.3 MB), dist05 4.0 (50.3 MB), " +
        "dist04 3.0 (40.3 MB), dist03 2.0 (30.3 MB).",
    );
    expect(f?.message).not.toContain("dist02");
    expect(f?.hint).toMatch(/drop a heavy optional dependency.*container image.*layer does not help/);
    // exactly at the limit is allowed (Lambda refuses only what is over it), with the 80% warning
    expect(checkSizes(input({ unzippedFunction: UNZIPPED_LIMIT })).map((x) => x.severity)).toEqual(["warning"]);
  });

  it("warns at 80% of the unzipped limit", () => {
    const at80 = Math.ceil(UNZIPPED_LIMIT * 0.8);
    const [f] = checkSizes(input({ unzippedFunction: at80 }));
    expect(f).toMatchObject({ severity: "warning", check: "size" });
    expect(f?.message).toMatch(
      /^the function unzips to 200\.0 MB \(209,715,200 bytes\), 80% of Lambda's limit of 250\.0 MB\. Largest/,
    );
    expect(checkSizes(input({ unzippedFunction: at80 - 1 }))).toEqual([]);
  });

  it("warns when a zip is over the 50 MB direct-upload limit without S3, suggesting a layer, S3 or dropping a dependency", () => {
    const [f] = checkSizes(input({ zippedFunction: DIRECT_UPLOAD_LIMIT + 1 }));
    expect(f).toMatchObject({ severity: "warning", check: "size" });
    expect(f?.message).toMatch(
      /^the function zip is 50\.0 MB \(52,428,801 bytes\), over the 50\.0 MB limit for a direct upload, and no S3 bucket is configured: deploying it will be refused\. Largest distributions \(unzipped\): dist12 11\.0 \(120\.3 MB\)/,
    );
    expect(f?.hint).toBe(
      "configure an S3 bucket for the upload, split the dependencies into a layer (package-mode: split), or drop a heavy optional dependency",
    );
    // with a layer already, splitting is not the advice; the layer zip is checked on its own
    const split = checkSizes(input({ unzippedLayer: 100 * MB, zippedFunction: 1000, zippedLayer: 60 * MB }));
    expect(split.map((x) => x.message.slice(0, 30))).toEqual(["the layer zip is 60.0 MB (62,9"]);
    expect(split[0]?.hint).not.toContain("split");
    // an S3 bucket lifts the direct-upload limit
    expect(checkSizes(input({ zippedFunction: 60 * MB, s3Configured: true }))).toEqual([]);
  });

  it("warns at 80% of the direct-upload limit, and is quiet below", () => {
    const [f] = checkSizes(input({ zippedFunction: 45 * MB }));
    expect(f?.message).toMatch(
      /^the function zip is 45\.0 MB \(47,185,920 bytes\), 90% of the 50\.0 MB limit for a direct upload/,
    );
    expect(checkSizes(input({ zippedFunction: 39 * MB, zippedLayer: 10 * MB, unzippedLayer: 30 * MB }))).toEqual([]);
  });
});
