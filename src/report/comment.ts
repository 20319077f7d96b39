/**
 * One pull-request comment per PR and job, updated in place on each push: found
 * again by a hidden marker. Plain fetch against the REST API: two endpoints do not
 * justify an SDK. Without `pull-requests: write` it is a warning, never a failure.
 */
import { commentBody } from "../egress.ts";
import type { Log } from "../log.ts";

export interface CommentTarget {
  apiUrl: string;
  repository: string;
  pullRequest: number;
  token: string;
}

export function commentMarker(jobKey: string): string {
  return `<!-- lambda-python-package:${jobKey} -->`;
}

/** The pull request this run is for, from the event payload; undefined on other events. */
export async function pullRequestOf(env: NodeJS.ProcessEnv): Promise<number | undefined> {
  if (!/^pull_request/.test(env.GITHUB_EVENT_NAME ?? "") || !env.GITHUB_EVENT_PATH) return undefined;
  try {
    const { readFile } = await import("node:fs/promises");
    const event = JSON.parse(await readFile(env.GITHUB_EVENT_PATH, "utf8")) as {
      pull_request?: { number?: number };
      number?: number;
    };
    return event.pull_request?.number ?? event.number;
  } catch {
    return undefined;
  }
}

export async function upsertComment(
  target: CommentTarget,
  marker: string,
  body: string,
  log: Log,
): Promise<"created" | "updated" | undefined> {
  const headers = {
    Authorization: `Bearer ${target.token}`,
    Accept: "application/vnd.github+json",
    "X-GitHub-Api-Version": "2022-11-28",
    "Content-Type": "application/json",
  };
  const base = `${target.apiUrl.replace(/\/+$/, "")}/repos/${target.repository}`;
  // the body as GitHub will store it: redacted last (JSON.stringify only frames it for transport)
  const text = commentBody(`${marker}\n${body}`);
  try {
    let existing: number | undefined;
    for (let page = 1; page <= 10 && existing === undefined; page++) {
      const response = await fetch(`${base}/issues/${target.pullRequest}/comments?per_page=100&page=${page}`, {
        headers,
        signal: AbortSignal.timeout(15_000),
      });
      if (!response.ok) return refuse(response.status, log);
      const comments = (await response.json()) as { id: number; body?: string }[];
      existing = comments.find((c) => c.body?.includes(marker))?.id;
      if (comments.length < 100) break;
    }
    const response =
      existing !== undefined
        ? await fetch(`${base}/issues/comments/${existing}`, {
            method: "PATCH",
            headers,
            body: JSON.stringify({ body: text }),
            signal: AbortSignal.timeout(15_000),
          })
        : await fetch(`${base}/issues/${target.pullRequest}/comments`, {
            method: "POST",
            headers,
            body: JSON.stringify({ body: text }),
            signal: AbortSignal.timeout(15_000),
          });
    if (!response.ok) return refuse(response.status, log);
    return existing !== undefined ? "updated" : "created";
  } catch (error) {
    log.annotate("warning", `Pull-request comment not written: ${(error as Error).message}`);
    return undefined;
  }
}

function refuse(status: number, log: Log): undefined {
  const why =
    status === 403 || status === 404 || status === 401
      ? "the token may not write to pull requests: give the job `permissions: pull-requests: write` (forks' pull requests get a read-only token)"
      : "the GitHub API refused it";
  log.annotate("warning", `Pull-request comment not written (HTTP ${status}): ${why}`);
  return undefined;
}
