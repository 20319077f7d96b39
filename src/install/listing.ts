/**
 * What the indexes and find-links locations offer for a project, asked the way pip
 * asks them: `https://`, `http://` and `file://` index URLs (PEP 503 pages; a
 * `file://` index is a folder with `<name>/index.html`), find-links folders and
 * find-links pages. Every read is bounded (size, time) and the pages are data: only
 * names that are valid wheel or sdist file names are kept, never any other page text.
 */
import { open, readdir, stat } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { append } from "../append.ts";
import type { IndexOptions } from "../lock/types.ts";
import { normalizeName } from "../lock/types.ts";
import { redact } from "../redact.ts";
import { parseWheelFilename } from "../target.ts";
import { DEFAULT_INDEX } from "./indexes.ts";

/** PyPI's largest simple pages are a few MiB */
const MAX_PAGE_BYTES = 16 * 1024 * 1024;
const PAGE_TIMEOUT_MS = 10_000;
const MAX_FILE_NAME = 255;

export interface Listing {
  /** valid distribution file names, for this project only; undefined when no location answered */
  files?: string[];
  /** indexes that refused the credentials they were given (redacted URLs) */
  refused: { url: string; status: number }[];
}

type PageResult = { text: string } | { status: number } | undefined;

const SDIST = /^([A-Za-z0-9][A-Za-z0-9._+!-]*)-([A-Za-z0-9._+!-]+)\.(tar\.gz|tar\.bz2|tgz|zip)$/;

/** The project a distribution file name belongs to, when the name is a valid wheel or sdist name. */
export function projectOfFile(file: string): { name: string; version: string; wheel: boolean } | undefined {
  if (file.length > MAX_FILE_NAME || !/^[A-Za-z0-9._+!-]+$/.test(file)) return undefined;
  const wheel = parseWheelFilename(file);
  if (wheel) return { name: normalizeName(wheel.name), version: wheel.version, wheel: true };
  const sdist = SDIST.exec(file);
  return sdist ? { name: normalizeName(sdist[1]!), version: sdist[2]!, wheel: false } : undefined;
}

/**
 * The file names a PEP 503 page links to. A linear scan (no backtracking regex over
 * the page): the anchor's text, or else the last segment of its href.
 */
export function linkedFiles(html: string): string[] {
  const lower = html.toLowerCase();
  const found: string[] = [];
  let at = 0;
  for (;;) {
    const start = lower.indexOf("<a", at);
    if (start < 0) break;
    const tagEnd = lower.indexOf(">", start);
    if (tagEnd < 0) break;
    const close = lower.indexOf("</a", tagEnd);
    if (close < 0) break;
    at = close + 3;
    const text = html.slice(tagEnd + 1, close).trim();
    const href = /\shref\s*=\s*["']?([^"'\s>]+)/i.exec(html.slice(start, tagEnd))?.[1] ?? "";
    let fromHref = href.split("#")[0]?.split("?")[0]?.split("/").pop() ?? "";
    try {
      fromHref = decodeURIComponent(fromHref);
    } catch {
      fromHref = "";
    }
    const name = projectOfFile(text) ? text : projectOfFile(fromHref) ? fromHref : undefined;
    if (name) found.push(name);
  }
  return found;
}

async function readBounded(file: string): Promise<string> {
  const handle = await open(file, "r");
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new Error("not a regular file");
    const buffer = Buffer.alloc(Math.min(info.size, MAX_PAGE_BYTES));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead).toString("utf8");
  } finally {
    await handle.close();
  }
}

async function fetchPage(pageUrl: string, deadline: AbortSignal): Promise<PageResult> {
  try {
    const url = new URL(pageUrl);
    if (url.protocol === "file:") {
      const file = fileURLToPath(url);
      const isDir = await stat(file).then(
        (s) => s.isDirectory(),
        () => undefined,
      );
      if (isDir === undefined) return { status: 404 };
      return { text: await readBounded(isDir ? path.join(file, "index.html") : file) };
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
    const headers: Record<string, string> = { Accept: "text/html" };
    if (url.username) {
      headers.Authorization = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString("base64")}`;
      url.username = "";
      url.password = "";
    }
    const signal = AbortSignal.any([AbortSignal.timeout(PAGE_TIMEOUT_MS), deadline]);
    const response = await fetch(url, { headers, signal });
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      return { status: response.status };
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body) {
      size += chunk.length;
      if (size > MAX_PAGE_BYTES) break;
      chunks.push(Buffer.from(chunk));
    }
    return { text: Buffer.concat(chunks).toString("utf8") };
  } catch {
    return undefined;
  }
}

/** A find-links folder, as a path (relative to the working directory, as pip takes it) or a file: URL. */
async function readFolder(link: string, project: string): Promise<string[] | undefined> {
  try {
    const names = await readdir(link.startsWith("file:") ? fileURLToPath(link) : path.resolve(link));
    return names.filter((n) => projectOfFile(n)?.name === project);
  } catch {
    return undefined;
  }
}

/** Every distribution file the indexes and find-links locations offer for one project. */
export async function listProjectFiles(
  project: string,
  indexes: IndexOptions,
  deadline: AbortSignal,
): Promise<Listing> {
  const refused: Listing["refused"] = [];
  const files: string[] = [];
  let answered = false;
  const indexUrls = indexes.noIndex ? [] : [indexes.indexUrl ?? DEFAULT_INDEX, ...indexes.extraIndexUrls];
  for (const index of indexUrls) {
    const page = await fetchPage(`${index.replace(/\/+$/, "")}/${project}/`, deadline);
    if (page && "text" in page) {
      answered = true;
      append(
        files,
        linkedFiles(page.text).filter((f) => projectOfFile(f)?.name === project),
      );
    } else if (page?.status === 404) answered = true;
    else if (page?.status === 401 || page?.status === 403) refused.push({ url: redact(index), status: page.status });
  }
  for (const link of indexes.findLinks) {
    let listed: string[] | undefined;
    if (/^https?:\/\//i.test(link)) {
      const page = await fetchPage(link, deadline);
      listed =
        page && "text" in page ? linkedFiles(page.text).filter((f) => projectOfFile(f)?.name === project) : undefined;
    } else {
      listed = await readFolder(link, project);
    }
    if (listed) {
      answered = true;
      append(files, listed);
    }
  }
  return { files: answered ? [...new Set(files)] : undefined, refused };
}
