/**
 * A git source checked out at the commit the lock resolved: that commit with its history and
 * the tags (every branch when the server refuses a fetch by commit), then HEAD compared with it.
 * The URL passed the lock's grammar (no option, no remote helper: neither it nor its user or
 * host starts with `-`); submodules may not be local repositories.
 */
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { UserError } from "../errors.ts";
import { runProcess } from "../install/process.ts";
import type { PinnedRequirement, SourceBuild } from "../lock/types.ts";
import type { Log } from "../log.ts";
import { redact } from "../redact.ts";
import { gitEnvironment, gitFailure, gitMissing, pinLabel } from "./plan.ts";

type GitSource = Extract<SourceBuild, { kind: "git" }>;

export async function checkoutCommit(
  pin: PinnedRequirement,
  source: GitSource,
  directory: string,
  env: NodeJS.ProcessEnv,
  log: Log,
): Promise<void> {
  await mkdir(directory, { recursive: true });
  // a runner (or job container) without git is the workflow's to fix, not an internal error
  const run = (gitEnv: NodeJS.ProcessEnv, args: string[]) =>
    runProcess("git", ["-C", directory, ...args], { env: gitEnv, log }).catch((error: unknown) => {
      throw gitMissing(pin, error instanceof Error ? error.message : String(error));
    });
  const git = (...args: string[]) => run(gitEnvironment(env, source.url), args);
  const submodules = (...args: string[]) => run(gitEnvironment(env, undefined), args);
  const failed = (what: string, output: string) => gitFailure(pin, what, output);
  let r = await git("init", "--quiet");
  if (r.code !== 0) throw failed("prepare the checkout of", r.output);
  // origin: relative submodule URLs (`../other.git`) resolve against it, not against the local folder
  r = await git("config", "remote.origin.url", source.url);
  if (r.code !== 0) throw failed("prepare the checkout of", r.output);
  // the commit's history and the tags, as pip's and uv's clones have them: a version that
  // setuptools-scm or hatch-vcs reads from `git describe` is then the one the lock recorded
  r = await git("fetch", "--quiet", "--tags", "origin", source.commit);
  if (r.code !== 0) r = await git("fetch", "--quiet", "--tags", "origin", "+refs/heads/*:refs/remotes/origin/*");
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
    r = await submodules("submodule", "update", "--init", "--recursive", "--depth", "1");
    if (r.code !== 0) throw failed("check out the submodules of", r.output);
  }
}
