import { createRequire as __lppCreateRequire } from 'node:module'; const require = __lppCreateRequire(import.meta.url);
import {
  commentBody
} from "./chunk-2QPM2X4Z.js";
import "./chunk-HCMR2GAL.js";
import "./chunk-SJ6SIYOC.js";
import "./chunk-QK3BG52E.js";

// src/report/comment.ts
function commentMarker(jobKey) {
  return `<!-- lambda-python-package:${jobKey} -->`;
}
async function pullRequestOf(env) {
  if (!/^pull_request/.test(env.GITHUB_EVENT_NAME ?? "") || !env.GITHUB_EVENT_PATH) return void 0;
  try {
    const { readFile } = await import("node:fs/promises");
    const event = JSON.parse(await readFile(env.GITHUB_EVENT_PATH, "utf8"));
    return event.pull_request?.number ?? event.number;
  } catch {
    return void 0;
  }
}
async function upsertComment(target, marker, body, log) {
  const headers = {
    Authorization: `Bearer ${target.token}`,
    Accept: "application/vnd.github+json",
    "X-GitHub-Api-Version": "2022-11-28",
    "Content-Type": "application/json"
  };
  const base = `${target.apiUrl.replace(/\/+$/, "")}/repos/${target.repository}`;
  const text = commentBody(`${marker}
${body}`);
  try {
    let existing;
    for (let page = 1; page <= 10 && existing === void 0; page++) {
      const response2 = await fetch(`${base}/issues/${target.pullRequest}/comments?per_page=100&page=${page}`, {
        headers,
        signal: AbortSignal.timeout(15e3)
      });
      if (!response2.ok) return refuse(response2.status, log);
      const comments = await response2.json();
      existing = comments.find((c) => c.body?.includes(marker))?.id;
      if (comments.length < 100) break;
    }
    const response = existing !== void 0 ? await fetch(`${base}/issues/comments/${existing}`, {
      method: "PATCH",
      headers,
      body: JSON.stringify({ body: text }),
      signal: AbortSignal.timeout(15e3)
    }) : await fetch(`${base}/issues/${target.pullRequest}/comments`, {
      method: "POST",
      headers,
      body: JSON.stringify({ body: text }),
      signal: AbortSignal.timeout(15e3)
    });
    if (!response.ok) return refuse(response.status, log);
    return existing !== void 0 ? "updated" : "created";
  } catch (error) {
    log.annotate("warning", `Pull-request comment not written: ${error.message}`);
    return void 0;
  }
}
function refuse(status, log) {
  const why = status === 403 || status === 404 || status === 401 ? "the token may not write to pull requests: give the job `permissions: pull-requests: write` (forks' pull requests get a read-only token)" : "the GitHub API refused it";
  log.annotate("warning", `Pull-request comment not written (HTTP ${status}): ${why}`);
  return void 0;
}
export {
  commentMarker,
  pullRequestOf,
  upsertComment
};
