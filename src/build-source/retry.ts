// A build from source for the pins the installer found to have only an sdist on the index.
import { mkdir, rm } from "node:fs/promises";
import { UserError, UserErrors } from "../errors.ts";
import { SdistOnly } from "../install/diagnose.ts";
import type { BuildFromSource, LockedSet } from "../lock/types.ts";
import { buildSources, type SourceBuildRequest, type SourceBuilds } from "./index.ts";

/**
 * The pins with a source built, then the install. A requirements file or Pipfile.lock does not
 * say which pins the index has only an sdist of: the installer's failure does, and those are
 * built and the install run once more.
 */
export async function installBuilt<T>(
  install: (sources: SourceBuilds) => Promise<T>,
  request: SourceBuildRequest,
  directory: string,
): Promise<T> {
  const sources = await buildSources(request);
  try {
    return await install(sources);
  } catch (error) {
    const retry = sdistOnlyRetry(error, sources.lock, request.mode);
    if (!retry) throw error;
    await rm(directory, { recursive: true, force: true });
    await mkdir(directory, { recursive: true });
    const more = await buildSources({ ...request, lock: retry, indexes: sources.indexes });
    return install({ ...more, built: [...sources.built, ...more.built] });
  }
}

/** The lock with the pins the diagnosis found to have only an sdist on the index marked to build; undefined when none. */
function sdistOnlyRetry(error: unknown, lock: LockedSet, mode: BuildFromSource): LockedSet | undefined {
  if (mode === "never" || !(error instanceof UserError)) return undefined;
  const errors = error instanceof UserErrors ? error.errors : [error];
  const names = new Set(errors.filter((e) => e instanceof SdistOnly).map((e) => e.where.distribution));
  const marked = lock.requirements.map((r) =>
    names.has(r.name) && r.build === undefined && r.wheel === undefined
      ? { ...r, build: { kind: "sdist" as const } }
      : r,
  );
  return marked.some((r, i) => r !== lock.requirements[i]) ? { ...lock, requirements: marked } : undefined;
}
