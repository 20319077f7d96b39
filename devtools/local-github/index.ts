/**
 * A local stand-in for the part of the GitHub REST API the action calls: an issue's
 * comments (list, create, update), behind a bearer token. It keeps every request's raw
 * body, so a test can read the comment exactly as GitHub would receive it.
 */
import type { IncomingMessage } from "node:http";
import { listenLoopback } from "../loopback.ts";

export interface LocalGitHub {
  /** GITHUB_API_URL, without a trailing slash */
  url: string;
  comments: { id: number; issue: number; body: string }[];
  /** every request: method, path and the body as sent */
  requests: { method: string; path: string; body: string }[];
  close(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) req.destroy(new Error("body too large"));
      else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

export async function startLocalGitHub(options: { token: string; repository: string }): Promise<LocalGitHub> {
  const comments: LocalGitHub["comments"] = [];
  const requests: LocalGitHub["requests"] = [];
  const base = `/repos/${options.repository}/issues`;
  const server = await listenLoopback(async (req, res) => {
    const body = await readBody(req);
    const url = new URL(req.url ?? "/", "http://localhost");
    requests.push({ method: req.method ?? "", path: url.pathname, body });
    const json = (status: number, value: unknown): void => {
      res.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(value));
    };
    if (req.headers.authorization !== `Bearer ${options.token}`) return json(401, { message: "Bad credentials" });
    const list = new RegExp(`^${base}/(\\d+)/comments$`).exec(url.pathname);
    const one = new RegExp(`^${base}/comments/(\\d+)$`).exec(url.pathname);
    if (list && req.method === "GET") {
      const page = Number(url.searchParams.get("page") ?? 1);
      const perPage = Number(url.searchParams.get("per_page") ?? 30);
      const mine = comments.filter((c) => c.issue === Number(list[1]));
      return json(200, mine.slice((page - 1) * perPage, page * perPage));
    }
    if (list && req.method === "POST") {
      const comment = { id: comments.length + 1, issue: Number(list[1]), body: String(JSON.parse(body).body) };
      comments.push(comment);
      return json(201, comment);
    }
    const existing = one && comments.find((c) => c.id === Number(one[1]));
    if (existing && req.method === "PATCH") {
      existing.body = String(JSON.parse(body).body);
      return json(200, existing);
    }
    return json(404, { message: "Not Found" });
  });
  return { url: server.url.replace(/\/$/, ""), comments, requests, close: () => server.close() };
}
