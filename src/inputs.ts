/**
 * Every input, its default and its validation, in one place (the deploy's and the
 * release's in inputs-deploy.ts). Nothing else reads inputs; the rest of the action gets
 * a typed `Inputs`.
 */
import path from "node:path";
import { Input, PACKAGE_MODES, type PackageMode } from "./constants.ts";
import { throwAll, UserError } from "./errors.ts";
import { bool, type GetInput, lines, oneOf } from "./input-values.ts";
import { type Budgets, loadBudgets } from "./inputs-budgets.ts";
import { type DeployInputs, loadDeployInputs } from "./inputs-deploy.ts";
import { INSTALLER_CHOICES, type InstallerChoice } from "./install/index.ts";
import { indexUrlProblem } from "./install/indexes.ts";
import { BUILD_FROM_SOURCE, type BuildFromSource, normalizeName } from "./lock/types.ts";
import type { CompileMode, OptimizeSettings } from "./optimize/types.ts";
import { addSecret, secretsInUrl } from "./redact.ts";
import { ARCHITECTURES, type Architecture, isArchitecture, isRuntime, RUNTIMES, type Runtime } from "./target.ts";
import { parseHandler } from "./verify/handler.ts";

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
  /** which builds on the runner may ship: pure-Python only (default), none, or any the runner can make for the target */
  buildFromSource: BuildFromSource;
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
  /** limits that fail the step once the zips and the summary are written */
  budgets: Budgets;
}

export interface ReportInputs {
  uploadArtifact: boolean;
  /** undefined: derived from the function or layer name, runtime and architecture */
  artifactName?: string;
  comment: boolean;
  githubToken?: string;
}

const RUNTIME_HINT = "set `runtime` to the function's Lambda runtime, e.g. `runtime: python3.12`";

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

  const { indexUrl, extraIndexUrls } = loadIndexInputs(get, env, errors);

  const allowCollisions = bool(Input.AllowCollisions, get(Input.AllowCollisions).trim(), false, errors);
  const cache = bool(Input.Cache, get(Input.Cache).trim(), true, errors);
  const handler = get(Input.Handler).trim() || undefined;
  if (handler) {
    const parsed = parseHandler(handler);
    if (parsed instanceof UserError) errors.push(parsed);
  }
  const deploy = loadDeployInputs(get, env, packageMode, errors, workingDirectory);
  const installer = oneOf(Input.Installer, get(Input.Installer).trim() || "auto", INSTALLER_CHOICES, errors);
  const buildFromSource = buildFromSourceInput(get, errors);
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
  const budgets = loadBudgets(get, errors);
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
    buildFromSource: buildFromSource ?? "pure",
    groups: names(get(Input.Groups)),
    extras: names(get(Input.Extras)),
    handler,
    deploy,
    report,
    optimize,
    budgets,
  };
}

function buildFromSourceInput(get: GetInput, errors: UserError[]): BuildFromSource | undefined {
  return oneOf(
    Input.BuildFromSource,
    get(Input.BuildFromSource).trim().toLowerCase() || "pure",
    BUILD_FROM_SOURCE,
    errors,
  );
}

/**
 * The index-url and extra-index-url inputs, refused where read when pip could not use them
 * (named by input and line, never quoted); credentials in them, or in the installers' own
 * variables, are registered before anything is printed.
 */
function loadIndexInputs(
  get: GetInput,
  env: NodeJS.ProcessEnv,
  errors: UserError[],
): { indexUrl?: string; extraIndexUrls: string[] } {
  const indexUrl = get(Input.IndexUrl).trim() || undefined;
  const extraIndexUrls = lines(get(Input.ExtraIndexUrl));
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
  const hint = "write it as https://host/simple (with credentials: https://user:token@host/simple)";
  const indexProblem = indexUrl && indexUrlProblem(indexUrl);
  if (indexProblem) errors.push(new UserError(`input index-url ${indexProblem}`, { hint }));
  extraIndexUrls.forEach((url, i) => {
    const problem = indexUrlProblem(url);
    if (problem) errors.push(new UserError(`input extra-index-url, line ${i + 1}: ${problem}`, { hint }));
  });
  return { indexUrl, extraIndexUrls };
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

export function inputsFrom(
  values: Partial<Record<`${Input}`, string>>,
  env: NodeJS.ProcessEnv = {},
  cwd?: string,
): Inputs {
  return loadInputs((name) => values[name] ?? "", env, cwd);
}
