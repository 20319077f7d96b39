/**
 * `upload-artifact: true`: the built zips as one workflow artifact, through `@actions/artifact` (artifacts
 * v4). An artifact is a convenience for reviewers, never the build's result: every failure is a warning
 * and the run goes on.
 */
import type { Log } from "../log.ts";
import { ARTIFACT_VARIABLES, withToolkitEnv } from "../toolkit-env.ts";

export interface ArtifactUploadOptions {
  /** Days GitHub keeps the artifact; unset: the repository's default. Capped by the repository's maximum. */
  retentionDays?: number;
}

/**
 * Uploads `files` (paths under `rootDirectory`, kept relative to it inside the artifact) as the artifact
 * `name`. The zips are already compressed, so the artifact archive stores them (compression level 0).
 * Returns the artifact's id and size in bytes, or undefined after a warning when it could not be uploaded.
 */
export async function uploadZipsAsArtifact(
  name: string,
  files: string[],
  rootDirectory: string,
  ctx: { env: NodeJS.ProcessEnv; log: Log },
  options: ArtifactUploadOptions = {},
): Promise<{ id: number; size: number } | undefined> {
  const { env, log } = ctx;
  const notUploaded = `Artifact "${name}" was not uploaded`;
  if (files.length === 0) {
    log.annotate("warning", `${notUploaded}: there are no zips to upload.`);
    return undefined;
  }
  const missing = ["ACTIONS_RUNTIME_TOKEN", "ACTIONS_RESULTS_URL"].filter((variable) => !env[variable]);
  if (missing.length > 0) {
    log.annotate(
      "warning",
      `${notUploaded}: upload-artifact needs the GitHub Actions runner (${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} not set). ` +
        "Run the action in a GitHub Actions job, or set upload-artifact: false.",
    );
    return undefined;
  }
  if (isGhes(env.GITHUB_SERVER_URL)) {
    log.annotate(
      "warning",
      `${notUploaded}: workflow artifacts through @actions/artifact v2+ are not supported on GitHub Enterprise Server ` +
        `(${env.GITHUB_SERVER_URL}). Set upload-artifact: false and use actions/upload-artifact@v3 there.`,
    );
    return undefined;
  }
  const retention =
    options.retentionDays !== undefined && options.retentionDays > 0 ? { retentionDays: options.retentionDays } : {};
  try {
    // Loaded only when asked for, and only the client: local-action's stand-in for @actions/artifact
    // exports the client alone, so a named import of anything else fails the whole action at load.
    const { DefaultArtifactClient } = await import("@actions/artifact");
    const result = await withToolkitEnv(env, ARTIFACT_VARIABLES, () =>
      new DefaultArtifactClient().uploadArtifact(name, files, rootDirectory, { ...retention, compressionLevel: 0 }),
    );
    if (result.id === undefined) {
      log.annotate("warning", `${notUploaded}: the artifact service did not return an artifact id.`);
      return undefined;
    }
    const size = result.size ?? 0;
    log.info(`Uploaded ${files.length} file(s) as artifact "${name}" (id ${result.id}, ${size} bytes)`);
    return { id: result.id, size };
  } catch (error) {
    log.annotate("warning", `${notUploaded}: ${describeFailure(error)}`);
    return undefined;
  }
}

/**
 * @actions/artifact's errors are told apart by their `name`, which each of its error classes sets, rather
 * than by `instanceof`: the classes are not imported (see above).
 */
function describeFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const errorName = error instanceof Error ? error.name : "";
  const firstLine = message.split("\n")[0]?.trim() ?? message;
  if (/\(409\)|already exists/i.test(message)) {
    return (
      "an artifact with this name already exists in this workflow run. Artifact names are unique per run: " +
      "set a distinct artifact-name in each job (the default includes the function or layer name, runtime and architecture)."
    );
  }
  // The Twirp client rewraps its NetworkError as a plain Error ("Failed to CreateArtifact: Unable to make
  // request: ECONNREFUSED ..."); the blob upload throws NetworkError itself.
  const code = (error as { code?: unknown } | undefined)?.code;
  const network =
    errorName === "NetworkError" && typeof code === "string"
      ? code
      : /Unable to make request: (E[A-Z]+)/.exec(message)?.[1];
  if (network) {
    return `the Actions artifact service could not be reached (${network}). Self-hosted runners need access to GitHub's Actions endpoints.`;
  }
  const status = (error as { statusCode?: unknown } | undefined)?.statusCode;
  if (errorName === "RestError" && typeof status === "number") {
    // From the Azure blob client: the upload to the signed storage URL was refused.
    return `the upload to the artifact storage failed (HTTP ${status}: ${firstLine})`;
  }
  if (errorName === "UsageError") return "the artifact storage quota of this account has been reached.";
  if (errorName === "FilesNotFoundError") return `the files to upload were not found (${firstLine}).`;
  return firstLine;
}

/** As @actions/artifact decides it: any server other than github.com, *.ghe.com or *.localhost is GHES. */
function isGhes(serverUrl: string | undefined): boolean {
  let host: string;
  try {
    host = new URL(serverUrl || "https://github.com").hostname.trimEnd().toUpperCase();
  } catch {
    return false;
  }
  return host !== "GITHUB.COM" && !host.endsWith(".GHE.COM") && !host.endsWith(".LOCALHOST");
}

/** Characters GitHub refuses in artifact names. */
const FORBIDDEN = /[":<>|*?\\/\r\n]+/g;

/**
 * The artifact name when none is given: `lambda-<function or layer>[-layer]-<runtime>-<architecture>`, so
 * the jobs of a matrix (one per function, runtime or architecture) do not clash. The function's name wins,
 * except when only a layer is built (package-mode "layer": the layer's name, and "-layer"); ARNs and
 * qualifiers are reduced to the bare name; a name already starting with "lambda" is not prefixed again.
 * Without either name: `lambda-package-...`.
 * e.g. { functionName: "orders", runtime: "python3.12", architecture: "arm64" } -> lambda-orders-python3.12-arm64
 */
export function defaultArtifactName(parts: {
  functionName?: string;
  layerName?: string;
  runtime: string;
  architecture: string;
  packageMode: string;
}): string {
  const fn = resourceName(parts.functionName, "function");
  const layer = resourceName(parts.layerName, "layer");
  const layerOnly = parts.packageMode === "layer";
  // A layer-only job's artifact holds a layer zip: "-layer" keeps it apart from a function job of the same name.
  let base = layerOnly ? `${layer ?? fn ?? "package"}-layer` : (fn ?? layer ?? "package");
  if (!/^lambda(?![a-z0-9])/i.test(base)) base = `lambda-${base}`;
  return [base, sanitize(parts.runtime), sanitize(parts.architecture)].filter((part) => part !== "").join("-");
}

/** `orders`, `orders:live`, `123456789012:function:orders`, `arn:aws:lambda:…:layer:deps:3` → the bare name. */
function resourceName(value: string | undefined, kind: "function" | "layer"): string | undefined {
  let name = value?.trim();
  if (!name) return undefined;
  const marker = `:${kind}:`;
  const at = name.indexOf(marker);
  if (at >= 0) name = name.slice(at + marker.length);
  name = name.split(":")[0] ?? name;
  const clean = sanitize(name);
  return clean === "" ? undefined : clean;
}

function sanitize(text: string): string {
  return text
    .replace(FORBIDDEN, "-")
    .replace(/\s+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^-+|-+$/g, "");
}
