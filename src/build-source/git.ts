/**
 * A git source checked out at the commit the lock resolved: fetched by that commit alone (the
 * whole history only when the server refuses a fetch by commit), then HEAD compared with it.
 * The URL passed the lock's grammar (no option, no remote helper) and follows `--`.
 */
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { UserError } from "../errors.ts";
import { runProcess } from "../install/process.ts";
import type { PinnedRequirement, SourceBuild } from "../lock/types.ts";
import type { Log } from "../log.ts";
import { redact } from "../redact.ts";
import { gitEnvironment, pinLabel } from "./plan.ts";

type GitSource = Extract<SourceBuild, { kind: "git" }>;

export async function checkoutCommit(
  pin: PinnedRequirement,
  source: GitSource,
  directory: string,
  env: NodeJS.ProcessEnv,
  log: Log,
): Promise<void> {
  await mkdir(directory, { recursive: true });
  const fetchEnv = gitEnvironment(env, source.url);
  const git = (...args: string[]) => runProcess("git", ["-C", directory, ...args], { env: fetchEnv, log });
  const submodules = (...args: string[]) =>
    runProcess("git", ["-C", directory, ...args], { env: gitEnvironment(env, undefined), log });
  const failed = (what: string, output: string) =>
    new UserError(
      `cannot ${what} ${pinLabel(pin)} from git ${redact(source.url)} at ${source.commit}: ${redact(output.trim().split("\n").slice(-5).join(" "))}`,
      {
        where: { ...pin.where, distribution: pin.name },
        hint: "check that the repository is reachable from the runner (credentials for a private one come from git's own configuration) and that the commit is in it",
      },
    );
  let r = await git("init", "--quiet");
  if (r.code !== 0) throw failed("prepare the checkout of", r.output);
  r = await git("fetch", "--quiet", "--depth", "1", "--", source.url, source.commit);
  if (r.code !== 0) r = await git("fetch", "--quiet", "--", source.url, "+refs/heads/*:refs/remotes/origin/*");
  if (r.code !== 0) throw failed("fetch", r.output);
  r = await git("-c", "advice.detachedHead=false", "checkout", "--quiet", "--detach", source.commit);
  if (r.code !== 0) throw failed("check out", r.output);
  const head = (await git("rev-parse", "HEAD")).output.trim();
  if (head !== source.commit) {
    throw new UserError(
      `the checkout of ${pinLabel(pin)} from git ${redact(source.url)} is at ${head || "no commit"}, not at the locked ${source.commit}`,
      {
        where: { ...pin.where, distribution: pin.name },
        hint: "lock it again; the repository does not hold the locked commit",
      },
    );
  }
  if (existsSync(path.join(directory, ".gitmodules"))) {
    // a relative submodule URL (`../other.git`) is resolved against origin, else against the local folder
    r = await git("config", "remote.origin.url", source.url);
    if (r.code !== 0) throw failed("check out the submodules of", r.output);
    r = await submodules("submodule", "update", "--init", "--recursive", "--depth", "1");
    if (r.code !== 0) throw failed("check out the submodules of", r.output);
  }
}
