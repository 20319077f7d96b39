/**
 * loadInputs: every input's default, and every refusal with what to do, without a
 * workflow run. What an empty input means is decided here and nowhere else.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { registeredSecrets } from "../src/redact.ts";
import { createInputs, refusal, WORKSPACE } from "./support/inputs.ts";

describe("defaults: only runtime given", () => {
  it("builds a function zip for x86_64 from the workspace, with the cache and no deploy", () => {
    expect(createInputs()).toEqual({
      runtime: "python3.12",
      architecture: "x86_64",
      workingDirectory: WORKSPACE,
      lockfile: undefined,
      source: [],
      exclude: [],
      packageMode: "function",
      outputDir: path.join(WORKSPACE, ".lambda-python-package"),
      python: undefined,
      indexUrl: undefined,
      extraIndexUrls: [],
      allowCollisions: false,
      cache: true,
      installer: "auto",
      buildFromSource: "pure",
      groups: [],
      extras: [],
      deploy: undefined,
      report: { uploadArtifact: false, artifactName: undefined, comment: false, githubToken: undefined },
      handler: undefined,
      optimize: { compile: "off", slim: false, slimKeep: [], excludePackages: [] },
      // no budget: measuring never fails a build that did not ask for it
      budgets: {},
    });
  });

  it("in Actions, writes under RUNNER_TEMP, not into the checkout; an output-dir is relative to working-directory", () => {
    const env = { GITHUB_ACTIONS: "true", RUNNER_TEMP: "/home/runner/work/_temp" };
    expect(createInputs({}, env).outputDir).toBe("/home/runner/work/_temp/lambda-python-package");
    expect(createInputs({ "working-directory": "svc", "output-dir": "out" }, env)).toMatchObject({
      workingDirectory: path.join(WORKSPACE, "svc"),
      outputDir: path.join(WORKSPACE, "svc", "out"),
    });
  });

  it("reads lists one per line (comments and blanks dropped) and names by commas or spaces", () => {
    const inputs = createInputs({
      source: "handler.py\n# the helpers\n\n  lib/**  \n",
      exclude: "tests/**\r\n",
      "extra-index-url": "https://a.example/simple\nhttps://b.example/simple",
      groups: "db, observability",
      extras: "fast  pretty",
    });
    expect(inputs).toMatchObject({
      source: ["handler.py", "lib/**"],
      exclude: ["tests/**"],
      extraIndexUrls: ["https://a.example/simple", "https://b.example/simple"],
      groups: ["db", "observability"],
      extras: ["fast", "pretty"],
    });
  });

  it("takes true/false in the spellings YAML and shells use", () => {
    for (const yes of ["true", "True", "yes", "on", "1"])
      expect(createInputs({ "allow-collisions": yes }).allowCollisions).toBe(true);
    for (const no of ["false", "FALSE", "no", "off", "0"]) expect(createInputs({ cache: no }).cache).toBe(false);
  });

  it("a function name turns deploy on, with the region from AWS_REGION; publish follows an alias", () => {
    expect(createInputs({ "function-name": "orders-api" }, { AWS_REGION: "eu-west-1" }).deploy).toEqual({
      enabled: true,
      functionName: "orders-api",
      layerName: undefined,
      attachLayer: true,
      layerArns: [],
      s3Bucket: undefined,
      s3Prefix: "",
      s3Upload: "auto",
      region: "eu-west-1",
      publish: false,
      alias: undefined,
      smoke: undefined,
      trafficShift: { kind: "all-at-once" },
      rollbackAlarms: [],
    });
    expect(
      createInputs({ "function-name": "orders-api", alias: "live" }, { AWS_DEFAULT_REGION: "us-east-1" }).deploy,
    ).toMatchObject({ region: "us-east-1", publish: true, alias: "live" });
    expect(
      createInputs({ "function-name": "orders-api", region: "eu-central-1" }, { AWS_REGION: "eu-west-1" }).deploy,
    ).toMatchObject({ region: "eu-central-1" });
  });

  it("deploy: false previews: no region needed, the names still checked", () => {
    expect(createInputs({ "function-name": "orders-api", deploy: "false" }).deploy).toMatchObject({
      enabled: false,
      region: "",
    });
    expect(refusal({ "function-name": "orders api", deploy: "false" })).toMatch(/not a Lambda function name/);
  });

  it("the GitHub token comes from the input or GITHUB_TOKEN and is registered as a secret", () => {
    expect(createInputs({}, { GITHUB_TOKEN: "ghs_fromEnv123" }).report.githubToken).toBe("ghs_fromEnv123");
    expect(createInputs({ "github-token": "ghs_fromInput456" }, { GITHUB_TOKEN: "x" }).report.githubToken).toBe(
      "ghs_fromInput456",
    );
    expect(registeredSecrets()).toEqual(expect.arrayContaining(["ghs_fromEnv123", "ghs_fromInput456"]));
  });

  it("registers the password of an index URL from an input or the installers' variables", () => {
    createInputs(
      { "index-url": "https://ci:inputPw1@pypi.example.com/simple" },
      {
        UV_INDEX: "internal=https://ci:uvIndexPw2@pypi.example.com/simple",
        PIP_EXTRA_INDEX_URL: "https://a.example/simple https://ci:pipExtraPw3@b.example/simple",
      },
    );
    expect(registeredSecrets()).toEqual(expect.arrayContaining(["inputPw1", "uvIndexPw2", "pipExtraPw3"]));
  });
});

describe("refusals: what is wrong and what to write instead", () => {
  const cases: [string, Parameters<typeof refusal>[0], RegExp, NodeJS.ProcessEnv?][] = [
    ["no runtime", { runtime: "" }, /input runtime is required; valid values: python3\.\d+.*\n {2}→ set `runtime`/],
    ["an unknown runtime", { runtime: "python3.8" }, /input runtime is "python3\.8"; valid values: .*python3\.12/],
    [
      "an architecture by another tool's name",
      { architecture: "aarch64" },
      /valid values: x86_64, arm64\n.*`architecture: arm64`/,
    ],
    ["amd64", { architecture: "AMD64" }, /`architecture: x86_64`/],
    ["an unknown architecture", { architecture: "sparc" }, /set `architecture` to one of: x86_64, arm64/],
    ["an unknown package mode", { package: "both" }, /input package is "both"; valid values: function, layer, split/],
    ["an unknown installer", { installer: "poetry" }, /input installer is "poetry"; valid values: auto, pip, uv/],
    [
      "an unknown build-from-source",
      { "build-from-source": "always" },
      /input build-from-source is "always"; valid values: pure, never, any/,
    ],
    [
      "an unknown s3-upload",
      { "s3-upload": "sometimes" },
      /input s3-upload is "sometimes"; valid values: auto, always, never/,
    ],
    [
      "a boolean that is not one",
      { cache: "maybe" },
      /input cache must be true or false, got "maybe"\n.*set `cache` to true or false/,
    ],
    [
      "a function name with a space",
      { "function-name": "orders api" },
      /function-name "orders api" is not a Lambda function name/,
    ],
    ["a function name of 65 characters", { "function-name": "f".repeat(65) }, /not a Lambda function name or ARN/],
    [
      "a layer name with a version",
      { "layer-name": "arn:aws:lambda:eu-west-1:123456789012:layer:deps:3" },
      /layer-name .* is not a valid layer name/,
    ],
    [
      "an alias that is a number",
      { "function-name": "api", alias: "42" },
      /alias "42" is not a valid alias name.*\n.*a number names a version/,
    ],
    [
      "an alias without a function",
      { "layer-name": "deps", package: "layer", alias: "live" },
      /alias needs function-name/,
    ],
    [
      "layers that are not version ARNs",
      { "function-name": "api", layers: "arn:aws:lambda:eu-west-1:123456789012:layer:deps" },
      /input layers: ".*" is not a layer version ARN/,
    ],
    [
      "layers without a function",
      { "layer-name": "deps", package: "layer", layers: "arn:aws:lambda:eu-west-1:123456789012:layer:deps:1" },
      /input layers needs function-name/,
    ],
    [
      "a function for a layer-only build",
      { "function-name": "api", package: "layer" },
      /function-name is set but package is layer.*\n.*package: function or split/,
    ],
    [
      "a layer for a function-only build",
      { "layer-name": "deps" },
      /layer-name is set but package is function.*\n.*package: layer or split/,
    ],
    ["a deploy with no region", { "function-name": "api" }, /no AWS region: set the region input, or AWS_REGION/, {}],
    [
      "a region by its display name",
      { "function-name": "api", region: "Frankfurt" },
      /region "Frankfurt" is not an AWS region name.*\n.*region's code/,
    ],
    [
      "s3-upload always without a bucket",
      { "function-name": "api", "s3-upload": "always" },
      /s3-upload is "always" but no s3-bucket is set/,
    ],
  ];
  const env = { AWS_REGION: "eu-west-1" };
  for (const [what, values, message, ownEnv] of cases)
    it(`${what}`, () => expect(refusal(values, ownEnv ?? env)).toMatch(message));

  it("every mistake at once, not one per run", () => {
    const message = refusal(
      { runtime: "python2.7", architecture: "arm", cache: "yes please", "function-name": "a b" },
      { AWS_REGION: "eu-west-1" },
    );
    const problems = message.split("\n").filter((l) => !l.startsWith("  →"));
    expect(problems).toHaveLength(4);
    for (const input of ["runtime", "architecture", "cache", "function-name"])
      expect(problems.some((l) => l.startsWith(`input ${input}`))).toBe(true);
  });

  it("a region is checked only when deploying", () => {
    expect(createInputs({ "function-name": "api", deploy: "false", region: "Frankfurt" }).deploy?.region).toBe(
      "Frankfurt",
    );
  });
});

describe("budgets", () => {
  it("reads a size as bytes or with a unit, counted as Lambda counts (1 MB = 1,048,576 bytes), and milliseconds", () => {
    const budgets = (size: string, ms = "") => createInputs({ "max-unzipped-size": size, "max-import-ms": ms }).budgets;
    expect(budgets("209715200")).toEqual({ maxUnzippedSize: 209_715_200 });
    expect(budgets("200MB", "800")).toEqual({ maxUnzippedSize: 200 * 1_048_576, maxImportMs: 800 });
    expect(budgets(" 1.5 GB ", "250.5 ms")).toEqual({ maxUnzippedSize: 1.5 * 1_073_741_824, maxImportMs: 250.5 });
    expect(budgets("512kib").maxUnzippedSize).toBe(512 * 1024);
  });

  it("refuses what is not a size or a number of milliseconds, saying how to write one", () => {
    for (const size of ["200 M", "lots", "-5MB", "1.5", "0", "200MB extra"]) {
      expect(refusal({ "max-unzipped-size": size })).toContain(
        `input max-unzipped-size is "${size}": not a size\n  → write whole bytes`,
      );
    }
    for (const ms of ["fast", "0", "1s", "-100"]) {
      expect(refusal({ "max-import-ms": ms })).toMatch(
        /input max-import-ms is ".*": not a number of milliseconds\n {2}→ .*max-import-ms: 800/,
      );
    }
  });
});
