/**
 * Every input, its default and its validation, in one place. Nothing else reads
 * inputs; the rest of the action gets a typed `Inputs`.
 */
import path from "node:path";
import { Input } from "./constants.ts";
import { throwAll, UserError } from "./errors.ts";
import { addSecret, secretsInUrl } from "./redact.ts";
import { ARCHITECTURES, type Architecture, isArchitecture, isRuntime, RUNTIMES, type Runtime } from "./target.ts";
import { PACKAGE_MODES, type PackageMode } from "./zip/package.ts";

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
}

export type GetInput = (name: Input) => string;

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
  errors.push(new UserError(`input ${name} must be true or false, got "${value}"`));
  return fallback;
}

function oneOf<T extends string>(
  name: Input,
  value: string,
  allowed: readonly T[],
  errors: UserError[],
): T | undefined {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  errors.push(new UserError(`input ${name} is "${value}"; valid values: ${allowed.join(", ")}`));
  return undefined;
}

export function loadInputs(get: GetInput, env: NodeJS.ProcessEnv, cwd: string = process.cwd()): Inputs {
  const errors: UserError[] = [];
  const runtime = get(Input.Runtime).trim();
  if (!runtime)
    errors.push(new UserError(`input runtime is required; valid values: ${Object.keys(RUNTIMES).join(", ")}`));
  else if (!isRuntime(runtime)) {
    errors.push(new UserError(`input runtime is "${runtime}"; valid values: ${Object.keys(RUNTIMES).join(", ")}`));
  }
  const architectureValue = get(Input.Architecture).trim() || "x86_64";
  if (!isArchitecture(architectureValue)) oneOf(Input.Architecture, architectureValue, ARCHITECTURES, errors);
  const packageMode = oneOf(Input.Package, get(Input.Package).trim() || "function", PACKAGE_MODES, errors);

  const workingDirectory = path.resolve(cwd, get(Input.WorkingDirectory).trim() || ".");
  const outputInput = get(Input.OutputDir).trim();
  const outputDir = outputInput
    ? path.resolve(workingDirectory, outputInput)
    : env.GITHUB_ACTIONS === "true" && env.RUNNER_TEMP
      ? path.join(env.RUNNER_TEMP, "lambda-python-package")
      : path.join(workingDirectory, ".lambda-python-package");

  const indexUrl = get(Input.IndexUrl).trim() || undefined;
  const extraIndexUrls = lines(get(Input.ExtraIndexUrl));
  for (const url of [indexUrl, ...extraIndexUrls]) if (url) for (const s of secretsInUrl(url)) addSecret(s);

  const allowCollisions = bool(Input.AllowCollisions, get(Input.AllowCollisions).trim(), false, errors);
  const cache = bool(Input.Cache, get(Input.Cache).trim(), true, errors);
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
  };
}

/** Inputs for tests and the demo: the same validation, from a plain object. */
export function inputsFrom(
  values: Partial<Record<`${Input}`, string>>,
  env: NodeJS.ProcessEnv = {},
  cwd?: string,
): Inputs {
  return loadInputs((name) => values[name] ?? "", env, cwd);
}
