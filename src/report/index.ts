/**
 * Stage 7, report: the size history (this build's manifest saved, the base branch's
 * compared), the zips as a workflow artifact, the job summary, and the pull-request
 * comment. Every effect here is best effort: a failure is a warning, never a failed step.
 */
import path from "node:path";
import { BudgetsExceeded } from "../budgets.ts";
import { buildProgress } from "../build.ts";
import { artifactName } from "../egress.ts";
import { UserError } from "../errors.ts";
import type { Inputs } from "../inputs.ts";
import type { Finding } from "../inspect/index.ts";
import { InspectionFailed } from "../inspect/stage.ts";
import type { Log } from "../log.ts";
import type { ActionResult } from "../run.ts";
import { defaultArtifactName, uploadZipsAsArtifact } from "./artifact.ts";
import { diffManifests, manifestOf, type SizeDiff } from "./history.ts";
import { chooseHistoryStore, type HistoryStore } from "./history-store.ts";
import { renderSummary, summaryOf } from "./summary.ts";

export interface ReportContext {
  env: NodeJS.ProcessEnv;
  log: Log;
  now?: Date;
  /** tests and the demo pass their own store */
  historyStore?: HistoryStore;
}

export interface Outcome {
  result?: ActionResult;
  failure?: { message: string; hint?: string; findings: Finding[] };
}

/**
 * A run that threw, as the report shows it: a user's error as written, with its hint and
 * (after inspection) its findings; anything else is ours, to be reported.
 */
export function failureOutcome(error: unknown): Outcome {
  // a build over a budget is complete: the summary shows all of it, with the budget as the failure
  const built = (error as { result?: ActionResult }).result;
  if (error instanceof BudgetsExceeded && built) {
    return { result: built, failure: { message: error.message, findings: built.build.findings } };
  }
  if (error instanceof UserError) {
    const findings = error instanceof InspectionFailed ? error.findings : [];
    return { failure: { message: error.message, hint: error.hint, findings } };
  }
  const message = `internal error: ${(error as Error)?.message ?? String(error)}`;
  return { failure: { message, hint: "please report it, with the log", findings: [] } };
}

export interface Report {
  summary: string;
  diff?: SizeDiff;
  artifact?: { name: string; size: number };
  comment?: "created" | "updated";
  /** the one line the log ends with */
  line: string;
}

function buildName(inputs: Inputs): string {
  return inputs.deploy?.functionName ?? inputs.deploy?.layerName ?? path.basename(inputs.workingDirectory);
}

export async function report(inputs: Inputs, outcome: Outcome, ctx: ReportContext): Promise<Report> {
  const { env, log } = ctx;
  const { result } = outcome;
  let diff: SizeDiff | undefined;
  if (result) diff = await compareWithBase(inputs, result, ctx);

  let artifact: Report["artifact"];
  if (result && inputs.report.uploadArtifact) {
    const name = artifactName(
      inputs.report.artifactName ??
        defaultArtifactName({
          functionName: inputs.deploy?.functionName,
          layerName: inputs.deploy?.layerName,
          runtime: inputs.runtime,
          architecture: inputs.architecture,
          packageMode: inputs.packageMode,
        }),
    );
    const files = [result.build.functionZip?.path, result.build.layerZip?.path].filter((f): f is string => Boolean(f));
    const uploaded = await uploadZipsAsArtifact(name, files, inputs.outputDir, { env, log });
    if (uploaded) artifact = { name, size: uploaded.size };
  }

  const summary = renderSummary(
    summaryOf({ inputs, result, failure: outcome.failure, progress: buildProgress(inputs), diff, artifact }),
  );

  let comment: Report["comment"];
  if (inputs.report.comment) {
    // loaded only by a run that asks for a comment (as the artifact client is by upload-artifact)
    const { commentMarker, pullRequestOf, upsertComment } = await import("./comment.ts");
    const pr = await pullRequestOf(env);
    if (pr === undefined) log.info("Pull-request comment: not a pull_request event; skipped");
    else if (!inputs.report.githubToken || !env.GITHUB_REPOSITORY) {
      log.annotate("warning", "Pull-request comment not written: no github-token (or GITHUB_REPOSITORY)");
    } else {
      const jobKey = `${env.GITHUB_WORKFLOW ?? ""}/${env.GITHUB_JOB ?? ""}/${buildName(inputs)}/${inputs.runtime}/${inputs.architecture}`;
      comment = await upsertComment(
        {
          apiUrl: env.GITHUB_API_URL || "https://api.github.com",
          repository: env.GITHUB_REPOSITORY,
          pullRequest: pr,
          token: inputs.report.githubToken,
        },
        commentMarker(jobKey),
        summary,
        log,
      );
      if (comment) log.info(`Pull-request comment ${comment}`);
    }
  }
  return { summary, diff, artifact, comment, line: oneLine(inputs, outcome) };
}

async function compareWithBase(
  inputs: Inputs,
  result: ActionResult,
  ctx: ReportContext,
): Promise<SizeDiff | undefined> {
  const { env, log } = ctx;
  const name = buildName(inputs);
  const store =
    ctx.historyStore ??
    (await chooseHistoryStore({ runtime: inputs.runtime, architecture: inputs.architecture, name }, env));
  const headBranch = env.GITHUB_HEAD_REF || env.GITHUB_REF_NAME || "local";
  const baseBranch = env.GITHUB_BASE_REF || headBranch;
  let diff: SizeDiff | undefined;
  try {
    const base = await store.load(baseBranch);
    const head = manifestOf(result, { name, ref: headBranch, sha: env.GITHUB_SHA ?? "", now: ctx.now ?? new Date() });
    if (base) diff = diffManifests(base, head);
    await store.save(headBranch, head);
  } catch (error) {
    log.annotate(
      "warning",
      `Size history not available (${(error as Error).message}); the summary shows no size change`,
    );
  }
  return diff;
}

function oneLine(inputs: Inputs, outcome: Outcome): string {
  const target = `${inputs.runtime}/${inputs.architecture}`;
  if (outcome.failure) return `lambda-python-package: failed for ${target}: ${outcome.failure.message}`;
  const b = outcome.result!.build;
  const sizes = [b.functionZip && `function ${b.functionZip.size} B`, b.layerZip && `layer ${b.layerZip.size} B`]
    .filter(Boolean)
    .join(", ");
  return `lambda-python-package: ${target} built (${sizes}; ${b.unzippedSize} B unzipped; cache ${b.cache.hit ? "hit" : "miss"}), deploy ${outcome.result!.deploy.deployed}`;
}
