/**
 * Every input, its default and its validation, in one place. Nothing else reads
 * inputs; the rest of the action gets a typed `Inputs`.
 */
import { readFileSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import { Input, PACKAGE_MODES, type PackageMode } from "./constants.ts";
import type { S3Upload } from "./deploy/plan.ts";
import { parseTrafficShift, type TrafficShift } from "./deploy/rollout.ts";
import type { SmokeRequest } from "./deploy/smoke.ts";
import { throwAll, UserError } from "./errors.ts";
import { INSTALLER_CHOICES, type InstallerChoice } from "./install/index.ts";
import { normalizeName } from "./lock/types.ts";
import type { CompileMode, OptimizeSettings } from "./optimize/types.ts";
import { addSecret, secretsInUrl } from "./redact.ts";
import { ARCHITECTURES, type Architecture, isArchitecture, isRuntime, RUNTIMES, type Runtime } from "./target.ts";
import { parseHandler } from "./verify/handler.ts";

const S3_UPLOADS: readonly S3Upload[] = ["auto", "always", "never"];

export interface Inputs {
  runtime: Runtime;
  architecture: Architecture;
  /** absolute */
  workingDirectory: string;
  /** relative to workingDirectory; undefined = detect */
  lockfile?: string;
  source: string[];
  exclude: string[];
  packageMode: PackageMode;
  /** absolute */
  outputDir: string;
  python?: string;
  indexUrl?: string;
  extraIndexUrls: string[];
  allowCollisions: boolean;
  cache: boolean;
  installer: InstallerChoice;
  /** optional dependency groups to ship besides the runtime ones */
  groups: string[];
  /** extras of the project to ship */
  extras: string[];
  /** the Lambda handler to check at build time (MODULE.FUNCTION) */
  handler?: string;
  deploy?: DeployInputs;
  report: ReportInputs;
  /** bytecode, slimming, left-out distributions */
  optimize: OptimizeSettings;
}

export interface ReportInputs {
  uploadArtifact: boolean;
  /** undefined: derived from the function or layer name, runtime and architecture */
  artifactName?: string;
  comment: boolean;
  githubToken?: string;
}

/** Present when a function or layer is named; `enabled` says whether to deploy to it. */
export interface DeployInputs {
  enabled: boolean;
  functionName?: string;
  layerName?: string;
  attachLayer: boolean;
  /** existing layer versions to attach (e.g. another job's layer-version-arn) */
  layerArns: string[];
  s3Bucket?: string;
  s3Prefix: string;
  s3Upload: S3Upload;
  region: string;
  publish: boolean;
  alias?: string;
  smoke?: SmokeRequest;
  trafficShift: TrafficShift;
  rollbackAlarms: string[];
}

const FUNCTION_NAME = /^(arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:function:)?[a-zA-Z0-9_-]{1,64}$/;
const LAYER_NAME = /^(arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:layer:)?[a-zA-Z0-9_-]{1,140}$/;
const LAYER_VERSION_ARN = /^arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:layer:[a-zA-Z0-9_-]{1,140}:\d+$/;
const ALIAS_NAME = /^(?!\d+$)[a-zA-Z0-9_-]{1,128}$/;

export type GetInput = (name: Input) => string;

/** What other tools call the two architectures, and what to write instead. */
const ARCHITECTURE_ALIASES: Record<string, string> = {
  aarch64: "Lambda calls 64-bit ARM (Graviton) `arm64`: set `architecture: arm64`",
  arm: "Lambda calls 64-bit ARM (Graviton) `arm64`: set `architecture: arm64`",
  armv8: "Lambda calls 64-bit ARM (Graviton) `arm64`: set `architecture: arm64`",
  amd64: "Lambda calls 64-bit Intel/AMD `x86_64`: set `architecture: x86_64`",
  x64: "Lambda calls 64-bit Intel/AMD `x86_64`: set `architecture: x86_64`",
  "x86-64": "Lambda calls 64-bit Intel/AMD `x86_64`: set `architecture: x86_64`",
};
const RUNTIME_HINT = "set `runtime` to the function's Lambda runtime, e.g. `runtime: python3.12`";

function lines(value: string): string[] {
  return value
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
}

function bool(name: Input, value: string, fallback: boolean, errors: UserError[]): boolean {
  if (value === "") return fallback;
  if (/^(true|yes|on|1)$/i.test(value)) return true;
  if (/^(false|no|off|0)$/i.test(value)) return false;
  errors.push(
    new UserError(`input ${name} must be true or false, got "${value}"`, { hint: `set \`${name}\` to true or false` }),
  );
  return fallback;
}

function oneOf<T extends string>(
  name: Input,
  value: string,
  allowed: readonly T[],
  errors: UserError[],
): T | undefined {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  errors.push(
    new UserError(`input ${name} is "${value}"; valid values: ${allowed.join(", ")}`, {
      hint:
        ARCHITECTURE_ALIASES[name === Input.Architecture ? value.toLowerCase() : ""] ??
        `set \`${name}\` to one of: ${allowed.join(", ")}`,
    }),
  );
  return undefined;
}

export function loadInputs(get: GetInput, env: NodeJS.ProcessEnv, cwd: string = process.cwd()): Inputs {
  const errors: UserError[] = [];
  const runtime = get(Input.Runtime).trim();
  if (!runtime)
    errors.push(
      new UserError(`input runtime is required; valid values: ${Object.keys(RUNTIMES).join(", ")}`, {
        hint: RUNTIME_HINT,
      }),
    );
  else if (!isRuntime(runtime)) {
    errors.push(
      new UserError(`input runtime is "${runtime}"; valid values: ${Object.keys(RUNTIMES).join(", ")}`, {
        hint: RUNTIME_HINT,
      }),
    );
  }
  const architectureValue = get(Input.Architecture).trim() || "x86_64";
  if (!isArchitecture(architectureValue)) oneOf(Input.Architecture, architectureValue, ARCHITECTURES, errors);
  const packageMode: PackageMode | undefined = oneOf(
    Input.Package,
    get(Input.Package).trim() || "function",
    PACKAGE_MODES,
    errors,
  );

  const workingDirectory = path.resolve(cwd, get(Input.WorkingDirectory).trim() || ".");
  const outputInput = get(Input.OutputDir).trim();
  const outputDir = outputInput
    ? path.resolve(workingDirectory, outputInput)
    : env.GITHUB_ACTIONS === "true" && env.RUNNER_TEMP
      ? path.join(env.RUNNER_TEMP, "lambda-python-package")
      : path.join(workingDirectory, ".lambda-python-package");

  const indexUrl = get(Input.IndexUrl).trim() || undefined;
  const extraIndexUrls = lines(get(Input.ExtraIndexUrl));
  // credentials inside index URLs, from inputs or the installers' own variables, are never printed
  const envIndexes = [
    "PIP_INDEX_URL",
    "PIP_EXTRA_INDEX_URL",
    "UV_INDEX_URL",
    "UV_EXTRA_INDEX_URL",
    "UV_INDEX",
    "UV_DEFAULT_INDEX",
  ].flatMap((name) => env[name]?.split(/\s+/) ?? []);
  for (const url of [indexUrl, ...extraIndexUrls, ...envIndexes])
    if (url) for (const s of secretsInUrl(url)) addSecret(s);

  const allowCollisions = bool(Input.AllowCollisions, get(Input.AllowCollisions).trim(), false, errors);
  const cache = bool(Input.Cache, get(Input.Cache).trim(), true, errors);
  const handler = get(Input.Handler).trim() || undefined;
  if (handler) {
    const parsed = parseHandler(handler);
    if (parsed instanceof UserError) errors.push(parsed);
  }
  const deploy = loadDeployInputs(get, env, packageMode, errors, workingDirectory);
  const installer = oneOf(Input.Installer, get(Input.Installer).trim() || "auto", INSTALLER_CHOICES, errors);
  const names = (value: string) => value.split(/[\s,]+/).filter(Boolean);
  const githubToken = get(Input.GithubToken).trim() || env.GITHUB_TOKEN || undefined;
  addSecret(githubToken);
  const report: ReportInputs = {
    uploadArtifact: bool(Input.UploadArtifact, get(Input.UploadArtifact).trim(), false, errors),
    artifactName: get(Input.ArtifactName).trim() || undefined,
    comment: bool(Input.Comment, get(Input.Comment).trim(), false, errors),
    githubToken,
  };
  const optimize = loadOptimizeInputs(get, errors);
  throwAll(errors);
  return {
    runtime: runtime as Runtime,
    architecture: architectureValue as Architecture,
    workingDirectory,
    lockfile: get(Input.Lockfile).trim() || undefined,
    source: lines(get(Input.Source)),
    exclude: lines(get(Input.Exclude)),
    packageMode: packageMode!,
    outputDir,
    python: get(Input.Python).trim() || undefined,
    indexUrl,
    extraIndexUrls,
    allowCollisions,
    cache,
    installer: installer ?? "auto",
    groups: names(get(Input.Groups)),
    extras: names(get(Input.Extras)),
    handler,
    deploy,
    report,
    optimize,
  };
}

const COMPILE_VALUES: Record<string, CompileMode> = {
  auto: "auto",
  true: "required",
  required: "required",
  false: "off",
};
const DISTRIBUTION_NAME = /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/;

function loadOptimizeInputs(get: GetInput, errors: UserError[]): OptimizeSettings {
  const compileValue = get(Input.Compile).trim().toLowerCase() || "false";
  const compile = COMPILE_VALUES[compileValue];
  if (!compile) {
    errors.push(
      new UserError(`input compile is "${get(Input.Compile).trim()}"; valid values: auto, true (or required), false`, {
        hint: "set `compile: auto` to compile when the runtime's Python is on the runner, `true` to require it",
      }),
    );
  }
  const slimKeep = lines(get(Input.SlimKeep));
  for (const glob of slimKeep) {
    // globs match tree paths: relative, "/"-separated, inside the tree
    if (glob.startsWith("/") || glob.includes("\\") || glob.split("/").includes("..")) {
      errors.push(
        new UserError(`input slim-keep: "${glob}" is not a glob of paths inside the package`, {
          hint: "write paths as they are in the zip, relative and with /, e.g. `scipy/**/tests/**` or `**/*.pyi`",
        }),
      );
    }
  }
  const excludePackages: string[] = [];
  for (const name of get(Input.ExcludePackages)
    .split(/[\s,]+/)
    .filter(Boolean)) {
    if (DISTRIBUTION_NAME.test(name)) excludePackages.push(normalizeName(name));
    else
      errors.push(
        new UserError(`input exclude-packages: "${name}" is not a distribution name`, {
          hint: "list distribution names as in the lockfile, separated by spaces or commas, e.g. `boto3 botocore`",
        }),
      );
  }
  return {
    compile: compile ?? "off",
    slim: bool(Input.Slim, get(Input.Slim).trim(), false, errors),
    slimKeep,
    excludePackages: [...new Set(excludePackages)].sort(),
  };
}

/** The names a deploy targets, each against its grammar, and what needs a function name. */
function checkDeployNames(
  names: { functionName?: string; layerName?: string; alias?: string; layerArns: string[] },
  errors: UserError[],
): void {
  const { functionName, layerName, alias, layerArns } = names;
  if (functionName && !FUNCTION_NAME.test(functionName)) {
    errors.push(
      new UserError(
        `input function-name "${functionName}" is not a Lambda function name or ARN (letters, digits, - and _, at most 64)`,
        { hint: "use the function's name as Lambda shows it (e.g. orders-api) or its full ARN" },
      ),
    );
  }
  if (layerName && !LAYER_NAME.test(layerName)) {
    errors.push(
      new UserError(
        `input layer-name "${layerName}" is not a valid layer name (letters, digits, - and _, at most 140) or layer ARN`,
        { hint: "use the layer's name (e.g. orders-deps) or its ARN without a version number" },
      ),
    );
  }
  if (alias && !ALIAS_NAME.test(alias)) {
    errors.push(
      new UserError(
        `input alias "${alias}" is not a valid alias name (letters, digits, - and _, at most 128, not only digits)`,
        { hint: "use a name such as live or prod: a number names a version, not an alias" },
      ),
    );
  }
  for (const arn of layerArns) {
    if (!LAYER_VERSION_ARN.test(arn))
      errors.push(
        new UserError(
          `input layers: "${arn}" is not a layer version ARN (arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION)`,
        ),
      );
  }
  if (layerArns.length > 0 && !functionName)
    errors.push(new UserError("input layers needs function-name: layers are attached to a function"));
  if (alias && !functionName)
    errors.push(
      new UserError("input alias needs function-name: an alias points at a version of a function", {
        hint: "set `function-name`, or remove `alias`",
      }),
    );
}

/** A deploy needs a region, written as AWS writes it (a preview checks nothing only a deploy needs). */
function checkRegion(region: string, errors: UserError[]): void {
  if (!region) {
    errors.push(
      new UserError(
        "no AWS region: set the region input, or AWS_REGION (aws-actions/configure-aws-credentials sets it)",
        { hint: "set `region` to the function's region, e.g. `region: eu-west-1`" },
      ),
    );
  } else if (!/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/.test(region)) {
    errors.push(
      new UserError(`region "${region}" is not an AWS region name such as eu-west-1`, {
        hint: "use the region's code (eu-central-1, us-east-1, ...), not its display name",
      }),
    );
  }
}

function loadDeployInputs(
  get: GetInput,
  env: NodeJS.ProcessEnv,
  packageMode: PackageMode | undefined,
  errors: UserError[],
  workingDirectory: string,
): DeployInputs | undefined {
  const functionName = get(Input.FunctionName).trim() || undefined;
  const layerName = get(Input.LayerName).trim() || undefined;
  const alias = get(Input.Alias).trim() || undefined;
  const named = Boolean(functionName || layerName);
  const deploy = bool(Input.Deploy, get(Input.Deploy).trim(), named, errors);
  const attachLayer = bool(Input.AttachLayer, get(Input.AttachLayer).trim(), true, errors);
  const publish = bool(Input.Publish, get(Input.Publish).trim(), false, errors) || alias !== undefined;
  const s3Upload = oneOf(Input.S3Upload, get(Input.S3Upload).trim() || "auto", S3_UPLOADS, errors);
  const layerArns = lines(get(Input.Layers));
  checkDeployNames({ functionName, layerName, alias, layerArns }, errors);
  const release = loadReleaseInputs(get, workingDirectory, Boolean(functionName), alias, errors);
  if (!named) return undefined;
  if (deploy && functionName && packageMode === "layer") {
    errors.push(
      new UserError("function-name is set but package is layer: there is no function zip to deploy", {
        hint: "use package: function or split",
      }),
    );
  }
  if (deploy && layerName && packageMode === "function") {
    errors.push(
      new UserError("layer-name is set but package is function: there is no layer zip to publish", {
        hint: "use package: layer or split",
      }),
    );
  }
  const region = get(Input.Region).trim() || env.AWS_REGION || env.AWS_DEFAULT_REGION || "";
  if (deploy) checkRegion(region, errors);
  const s3Bucket = get(Input.S3Bucket).trim() || undefined;
  if (deploy && s3Upload === "always" && !s3Bucket) {
    errors.push(
      new UserError('input s3-upload is "always" but no s3-bucket is set', {
        hint: "set `s3-bucket` to a bucket in the function's region, or `s3-upload: auto`",
      }),
    );
  }
  return {
    enabled: deploy,
    functionName,
    layerName,
    attachLayer,
    layerArns,
    s3Bucket,
    s3Prefix: get(Input.S3Prefix).trim(),
    s3Upload: s3Upload ?? "auto",
    region,
    publish: publish || release.smoke !== undefined,
    alias,
    ...release,
  };
}

/** Largest event Lambda takes in a synchronous invocation. */
const MAX_EVENT_BYTES = 6 * 1024 * 1024;

function loadReleaseInputs(
  get: GetInput,
  workingDirectory: string,
  hasFunction: boolean,
  alias: string | undefined,
  errors: UserError[],
): Pick<DeployInputs, "smoke" | "trafficShift" | "rollbackAlarms"> {
  const shiftText = get(Input.TrafficShift).trim();
  const parsed = parseTrafficShift(shiftText);
  if (parsed instanceof UserError) errors.push(parsed);
  const trafficShift: TrafficShift = parsed instanceof UserError ? { kind: "all-at-once" } : parsed;
  const rollbackAlarms = lines(get(Input.RollbackAlarms));
  for (const name of rollbackAlarms) {
    if (name.length > 255 || /\p{Cc}/u.test(name))
      errors.push(new UserError(`input rollback-alarms: "${name.slice(0, 80)}" is not a CloudWatch alarm name`));
  }
  if ((trafficShift.kind !== "all-at-once" || rollbackAlarms.length > 0) && !alias) {
    errors.push(
      new UserError(
        "inputs traffic-shift and rollback-alarms need alias: traffic shifts between versions on an alias",
        {
          hint: "set `alias` (e.g. live), or remove them",
        },
      ),
    );
  }
  const eventText = get(Input.SmokeEvent).trim();
  const expect = get(Input.SmokeExpect).trim() || undefined;
  if (expect && !eventText)
    errors.push(new UserError("input smoke-expect needs smoke-event", { hint: "set `smoke-event`" }));
  if (!eventText) return { trafficShift, rollbackAlarms };
  if (!hasFunction) {
    errors.push(new UserError("input smoke-event needs function-name: the smoke event invokes the function"));
    return { trafficShift, rollbackAlarms };
  }
  const event = readSmokeEvent(eventText, workingDirectory, errors);
  return { trafficShift, rollbackAlarms, smoke: event && { ...event, expect } };
}

/** The event as JSON text, from the input or from `@file` inside the working directory. */
function readSmokeEvent(
  value: string,
  workingDirectory: string,
  errors: UserError[],
): { event: string; source: string } | undefined {
  let text = value;
  let source = "smoke-event";
  if (value.startsWith("@")) {
    const relative = value.slice(1).trim();
    const file = path.resolve(workingDirectory, relative);
    const inside = (p: string, root: string) => p === root || p.startsWith(`${root}${path.sep}`);
    let real: string | undefined;
    try {
      real = realpathSync(file);
    } catch {
      errors.push(
        new UserError(`input smoke-event: file ${relative} does not exist in ${workingDirectory}`, {
          hint: "give the event file's path relative to `working-directory`, after @",
        }),
      );
      return undefined;
    }
    if (path.isAbsolute(relative) || !inside(file, workingDirectory) || !inside(real, realpathSync(workingDirectory))) {
      errors.push(
        new UserError(`input smoke-event: ${relative} is outside the working directory`, {
          hint: "keep the event file inside `working-directory`",
        }),
      );
      return undefined;
    }
    if (!statSync(real).isFile() || statSync(real).size > MAX_EVENT_BYTES) {
      errors.push(
        new UserError(`input smoke-event: ${relative} is not a file of at most 6 MB (Lambda's limit for an event)`),
      );
      return undefined;
    }
    text = readFileSync(real, "utf8");
    source = relative;
  }
  try {
    JSON.parse(text);
  } catch (error) {
    errors.push(
      new UserError(
        `input smoke-event: ${source === "smoke-event" ? "the value" : source} is not JSON: ${(error as Error).message}`,
        {
          where: source === "smoke-event" ? undefined : { file: source },
          hint: 'write the event as JSON, e.g. {"path": "/health"}, or @events/smoke.json',
        },
      ),
    );
    return undefined;
  }
  if (Buffer.byteLength(text) > MAX_EVENT_BYTES) {
    errors.push(new UserError("input smoke-event is over 6 MB, Lambda's limit for an event"));
    return undefined;
  }
  return { event: text, source };
}

/** Inputs for tests and the demo: the same validation, from a plain object. */
export function inputsFrom(
  values: Partial<Record<`${Input}`, string>>,
  env: NodeJS.ProcessEnv = {},
  cwd?: string,
): Inputs {
  return loadInputs((name) => values[name] ?? "", env, cwd);
}
