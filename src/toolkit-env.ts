/**
 * @actions/cache and @actions/artifact take their configuration (the service URLs, the
 * runtime token, the workspace, their tuning knobs, proxies) from process.env and the
 * working folder at call time, with no parameter to pass them. Everything else in the
 * action receives its environment as a value; this is the one place besides main.ts
 * that touches process.env, and it does so openly: for the length of one toolkit call
 * it sets exactly the variables that call reads, from the environment the caller was
 * given, then puts the previous values (and working folder) back. Calls are queued, so
 * two never see each other's values.
 */

/** Read by @actions/cache 6 (and the @actions/core and http-client calls inside it). */
export const CACHE_VARIABLES = [
  "ACTIONS_CACHE_URL",
  "ACTIONS_CACHE_SERVICE_V2",
  "ACTIONS_CACHE_MODE",
  "ACTIONS_RESULTS_URL",
  "ACTIONS_RUNTIME_TOKEN",
  "CACHE_UPLOAD_CHUNK_SIZE",
  "CACHE_UPLOAD_CONCURRENCY",
  "SEGMENT_DOWNLOAD_TIMEOUT_MINS",
  "GITHUB_REF",
  "GITHUB_SERVER_URL",
  "GITHUB_WORKSPACE",
  "RUNNER_TEMP",
  "RUNNER_DEBUG",
] as const;

/** Read by @actions/artifact 6 (and the @actions/core and http-client calls inside it). */
export const ARTIFACT_VARIABLES = [
  "ACTIONS_RESULTS_URL",
  "ACTIONS_RUNTIME_TOKEN",
  "ACTIONS_ARTIFACT_MAX_ARTIFACT_COUNT",
  "ACTIONS_ARTIFACT_UPLOAD_CONCURRENCY",
  "ACTIONS_ARTIFACT_UPLOAD_TIMEOUT_MS",
  "GITHUB_RETENTION_DAYS",
  "GITHUB_SERVER_URL",
  "GITHUB_WORKSPACE",
  "RUNNER_DEBUG",
] as const;

/** Both toolkits reach their services through @actions/http-client, which honours these. */
const PROXY_VARIABLES = ["https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY", "no_proxy", "NO_PROXY"];

let queue: Promise<unknown> = Promise.resolve();

/** Runs fn with `names` (and the proxy variables) taken from env, and in `cwd` when given. */
export function withToolkitEnv<T>(
  env: NodeJS.ProcessEnv,
  names: readonly string[],
  fn: () => Promise<T>,
  cwd?: string,
): Promise<T> {
  const run = async () => {
    const giveBack = borrow(env, names, cwd);
    try {
      return await fn();
    } finally {
      giveBack();
    }
  };
  const result = queue.then(run, run);
  queue = result.catch(() => undefined);
  return result;
}

/** The same for a synchronous call: nothing else can run while it holds the values. */
export function withToolkitEnvSync<T>(env: NodeJS.ProcessEnv, names: readonly string[], fn: () => T): T {
  const giveBack = borrow(env, names);
  try {
    return fn();
  } finally {
    giveBack();
  }
}

function borrow(env: NodeJS.ProcessEnv, names: readonly string[], cwd?: string): () => void {
  const previous = new Map<string, string | undefined>();
  const previousCwd = process.cwd();
  for (const name of [...names, ...PROXY_VARIABLES]) {
    if (previous.has(name)) continue;
    previous.set(name, process.env[name]);
    const value = env[name];
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  if (cwd) process.chdir(cwd);
  return () => {
    if (cwd) process.chdir(previousCwd);
    for (const [name, value] of previous) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}
