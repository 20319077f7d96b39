/** The deploy plan over what AWS reported: pure, no servers, milliseconds. */
import { describe, expect, it } from "vitest";
import { planDeploy } from "../src/deploy/plan.ts";
import type { DeployPlan, DeployRequest, Observed, ObservedFunction } from "../src/deploy/types.ts";
import type { UserError } from "../src/errors.ts";
import { makeTarget } from "../src/target.ts";
import type { ZipResult } from "../src/zip/writer.ts";

const REGION = "eu-west-1";
const ACCOUNT = "123456789012";
const layer = (name: string, version: number) => `arn:aws:lambda:${REGION}:${ACCOUNT}:layer:${name}:${version}`;
const MB = 1024 * 1024;

function zip(name: string, overrides: Partial<ZipResult> = {}): ZipResult {
  return {
    path: `/tmp/${name}.zip`,
    size: MB,
    unzippedSize: 3 * MB,
    entries: 3,
    sha256: `${name}-sha256`,
    codeSha256: `${name}-code`,
    ...overrides,
  };
}

function request(overrides: Partial<DeployRequest> = {}): DeployRequest {
  return {
    target: makeTarget("python3.12", "x86_64"),
    functionName: "orders",
    layerName: "orders-deps",
    attachLayer: true,
    s3: { prefix: "builds", upload: "auto" },
    publish: false,
    functionZip: zip("function"),
    layerZip: zip("layer"),
    cacheKey: "lpp-v1-python3.12-x86_64-0123456789abcdef0123",
    ...overrides,
  };
}

function fn(overrides: Partial<ObservedFunction> = {}): ObservedFunction {
  return {
    functionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:orders`,
    codeSha256: "old-code",
    codeSize: MB,
    layers: [],
    architecture: "x86_64",
    packageType: "Zip",
    runtime: "python3.12",
    idle: true,
    revisionId: "rev-1",
    ...overrides,
  };
}

function observed(overrides: Partial<Observed> = {}): Observed {
  return { region: REGION, function: fn(), inputLayers: [], ...overrides };
}

const messages = (plan: DeployPlan) => plan.refusals.map((r: UserError) => r.describe());
/** the layer list the apply sends, with our new version as it would be published */
const sent = (plan: DeployPlan, published = layer("orders-deps", 99)) =>
  plan.function?.layersAfter.map((l) => l.arn ?? published);

describe("the layer list after attaching", () => {
  const others = [layer("a", 1), layer("b", 3), layer("c", 2)];

  it("swaps our old version in place and keeps the other layers in place and in order", () => {
    const before = [others[0]!, layer("orders-deps", 4), others[1]!, others[2]!];
    const plan = planDeploy(
      request(),
      observed({ function: fn({ layers: before.map((arn) => ({ arn, codeSize: MB })) }) }),
    );
    expect(plan.refusals).toEqual([]);
    expect(sent(plan)).toEqual([others[0], layer("orders-deps", 99), others[1], others[2]]);
    expect(plan.function?.layersChange).toBe(true);
  });

  it("takes layer-name as a name or as an ARN with the same result", () => {
    const before = [layer("orders-deps", 4), ...others, layer("d", 1)].map((arn) => ({ arn, codeSize: MB }));
    const byName = planDeploy(request(), observed({ function: fn({ layers: before }) }));
    const byArn = planDeploy(
      request({ layerName: `arn:aws:lambda:${REGION}:${ACCOUNT}:layer:orders-deps` }),
      observed({ function: fn({ layers: before }) }),
    );
    expect(byName.refusals).toEqual([]);
    expect(byArn.refusals).toEqual([]);
    expect(sent(byArn)).toEqual(sent(byName));
    expect(sent(byName)).toHaveLength(5);
    expect(byArn.function?.unzippedTotal).toBe(byName.function?.unzippedTotal);
  });

  it("does not take another account's layer of the same name for ours", () => {
    const foreign = `arn:aws:lambda:${REGION}:999999999999:layer:orders-deps:7`;
    const plan = planDeploy(request(), observed({ function: fn({ layers: [{ arn: foreign, codeSize: MB }] }) }));
    expect(sent(plan)).toEqual([foreign, layer("orders-deps", 99)]);
  });

  it("has each `layers` entry replace an older version of the same layer", () => {
    const before = [layer("shared", 1), layer("monitoring", 2)].map((arn) => ({ arn, codeSize: MB }));
    const plan = planDeploy(
      request({ layerName: undefined, layerZip: undefined, layerArns: [layer("shared", 2)] }),
      observed({
        function: fn({ layers: before }),
        inputLayers: [{ arn: layer("shared", 2), codeSize: MB, exists: true }],
      }),
    );
    expect(sent(plan)).toEqual([layer("shared", 2), layer("monitoring", 2)]);
  });

  it("refuses more than 5 layers when `layers` pushes the function past the limit", () => {
    const four = ["a", "b", "c", "d"].map((n) => ({ arn: layer(n, 1), codeSize: MB }));
    const plan = planDeploy(
      request({ layerArns: [layer("e", 1)] }),
      observed({ function: fn({ layers: four }), inputLayers: [{ arn: layer("e", 1), codeSize: MB, exists: true }] }),
    );
    expect(messages(plan).join("\n")).toMatch(
      /attaching layer orders-deps, arn:aws:lambda:eu-west-1:123456789012:layer:e:1 would give orders 6 layers; Lambda allows 5[\s\S]*fewer `layers`/,
    );
    // the same list without our layer fits
    const without = planDeploy(
      request({ attachLayer: false, layerArns: [layer("e", 1)] }),
      observed({ function: fn({ layers: four }), inputLayers: [{ arn: layer("e", 1), codeSize: MB, exists: true }] }),
    );
    expect(without.refusals).toEqual([]);
    expect(sent(without)).toEqual([...four.map((l) => l.arn), layer("e", 1)]);
  });

  it("refuses a `layers` entry that AWS does not know", () => {
    const plan = planDeploy(
      request({ layerArns: [layer("gone", 3)] }),
      observed({ inputLayers: [{ arn: layer("gone", 3), exists: false }] }),
    );
    expect(messages(plan).join("\n")).toMatch(/layer version .*:layer:gone:3 does not exist/);
  });
});

describe("sizes", () => {
  it("refuses a combined unzipped size over 262,144,000 bytes", () => {
    const plan = planDeploy(
      request({
        functionZip: zip("function", { unzippedSize: 100 * MB }),
        layerZip: zip("layer", { unzippedSize: 100 * MB }),
      }),
      observed({ function: fn({ layers: [{ arn: layer("big", 1), codeSize: 60 * MB }] }) }),
    );
    expect(plan.function?.unzippedTotal).toBe(260 * MB);
    expect(messages(plan).join("\n")).toMatch(
      /orders would hold 272629760 bytes unzipped \(function 100\.0 MB, layer 100\.0 MB, 1 other layer\(s\) 60\.0 MB\): Lambda's limit is 262144000/,
    );
  });

  it("does not count the layer version being replaced", () => {
    const oldOurs = { arn: layer("orders-deps", 4), codeSize: 120 * MB };
    const plan = planDeploy(
      request({
        functionZip: zip("function", { unzippedSize: 100 * MB }),
        layerZip: zip("layer", { unzippedSize: 140 * MB }),
      }),
      observed({ function: fn({ layers: [oldOurs] }) }),
    );
    expect(plan.function?.unzippedTotal).toBe(240 * MB);
    expect(plan.refusals).toEqual([]);
    // attached by ARN, the same
    const byArn = planDeploy(
      request({
        layerName: `arn:aws:lambda:${REGION}:${ACCOUNT}:layer:orders-deps`,
        functionZip: zip("function", { unzippedSize: 100 * MB }),
        layerZip: zip("layer", { unzippedSize: 140 * MB }),
      }),
      observed({ function: fn({ layers: [oldOurs] }) }),
    );
    expect(byArn.refusals).toEqual([]);
  });

  it("refuses a layer alone over the limit when no function is named", () => {
    const plan = planDeploy(
      request({ functionName: undefined, functionZip: undefined, layerZip: zip("layer", { unzippedSize: 300 * MB }) }),
      observed({ function: undefined }),
    );
    expect(messages(plan).join("\n")).toMatch(/layer orders-deps would hold 314572800 bytes unzipped/);
  });
});

describe("reuse, routes and refusals", () => {
  it("reuses the newest layer version with these bytes and publishes otherwise", () => {
    const current = [{ arn: layer("orders-deps", 4), codeSize: MB }];
    const same = planDeploy(
      request(),
      observed({
        function: fn({ layers: current, codeSha256: "function-code" }),
        newestLayer: { arn: layer("orders-deps", 4), version: 4, codeSha256: "layer-code" },
      }),
    );
    expect(same.layer?.reuse).toEqual({ arn: layer("orders-deps", 4), version: 4 });
    expect(same.function).toMatchObject({ code: undefined, layersChange: false });

    const changed = planDeploy(
      request(),
      observed({
        function: fn({ layers: current }),
        newestLayer: { arn: layer("orders-deps", 4), version: 4, codeSha256: "other" },
      }),
    );
    expect(changed.layer?.reuse).toBeUndefined();
    expect(changed.function?.code?.route).toBe("direct");
    expect(changed.function?.layersChange).toBe(true);
  });

  it("routes through S3 by size and input, under the layer's short name", () => {
    const plan = planDeploy(
      request({
        layerName: `arn:aws:lambda:${REGION}:${ACCOUNT}:layer:orders-deps`,
        s3: { bucket: "artifacts", prefix: "builds/", upload: "auto" },
      }),
      observed({ bucket: { exists: true, region: REGION } }),
    );
    expect(plan.function?.code?.s3?.uri).toBe("s3://artifacts/builds/orders/function-sha256.zip");
    expect(plan.layer?.upload?.s3?.uri).toBe("s3://artifacts/builds/orders-deps/layer-sha256.zip");
    const never = planDeploy(
      request({ functionZip: zip("function", { size: 60 * MB }), s3: { bucket: "b", prefix: "", upload: "never" } }),
      observed(),
    );
    expect(messages(never).join("\n")).toMatch(/function zip is 60\.0 MB, over Lambda's 50 MB limit[^\n]*"never"/);
  });

  it("lists every refusal at once", () => {
    const plan = planDeploy(
      request({ functionZip: zip("function", { size: 60 * MB }), s3: { bucket: "far", prefix: "", upload: "auto" } }),
      observed({
        function: fn({ architecture: "arm64", packageType: "Image" }),
        bucket: { exists: true, region: "us-east-2" },
      }),
    );
    const all = messages(plan).join("\n");
    expect(all).toMatch(/container image function/);
    expect(all).toMatch(/runs on arm64, but the packages were built for x86_64/);
    expect(all).toMatch(/far is in us-east-2, but the function is in eu-west-1/);
    expect(plan.refusals).toHaveLength(3);
    expect(messages(planDeploy(request(), observed({ function: "missing" })))).toEqual([
      expect.stringMatching(/orders does not exist in eu-west-1/),
    ]);
  });

  it("skips publish and alias only when nothing changes and the alias already has this code", () => {
    const current = fn({ codeSha256: "function-code" });
    const alias = { functionVersion: "3", aliasArn: "arn:alias", codeSha256: "function-code", layers: [] };
    const at = (codeSha256: string) =>
      planDeploy(
        request({ layerName: undefined, layerZip: undefined, alias: "live", publish: true }),
        observed({ function: current, alias: { ...alias, codeSha256 } }),
      ).release?.alreadyThere;
    expect(at("function-code")).toBe(true);
    expect(at("older")).toBe(false);
  });
});
