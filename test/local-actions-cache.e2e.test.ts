import { createHash, randomBytes } from "node:crypto";
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { restoreCache, saveCache } from "@actions/cache";
import { BlockBlobClient } from "@azure/storage-blob";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  ALREADY_EXISTS_MESSAGE,
  applyEnv,
  type LocalCacheService,
  startLocalCacheService,
  WRITE_DENIED_MESSAGE,
} from "../devtools/local-actions-cache/index.ts";

const TWIRP = "twirp/github.actions.results.api.v1.CacheService/";

let service: LocalCacheService;
let work: string;
let cached: string;
let restoreEnv: () => void;
let output: string[];

/** Everything @actions/core and @actions/exec printed (they write straight to process.stdout). */
const log = (): string => output.join("");
/** `::warning::` / `::error::` annotations, decoded. */
const annotations = (kind: "warning" | "error"): string[] =>
  log()
    .split("\n")
    .filter((line) => line.startsWith(`::${kind}::`))
    .map((line) =>
      line
        .slice(kind.length + 4)
        .replace(/%0A/g, "\n")
        .replace(/%0D/g, "\r")
        .replace(/%25/g, "%"),
    );

beforeEach(async () => {
  service = await startLocalCacheService();
  work = await mkdtemp(join(tmpdir(), "local-actions-cache-test-"));
  cached = join(work, "cached");
  restoreEnv = applyEnv({ ...service.env(), GITHUB_WORKSPACE: work, RUNNER_DEBUG: undefined });
  output = [];
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
    output.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
    const callback = rest.find((arg) => typeof arg === "function") as (() => void) | undefined;
    callback?.();
    return true;
  });
});

afterEach(async () => {
  vi.restoreAllMocks();
  restoreEnv();
  await service.close();
  await rm(work, { recursive: true, force: true });
});

async function makeTree(dir: string, seed: string): Promise<void> {
  await mkdir(join(dir, "nested", "deeper"), { recursive: true });
  await mkdir(join(dir, "empty"), { recursive: true });
  await writeFile(join(dir, "a.txt"), `hello ${seed}\n`);
  await writeFile(join(dir, "nested", "blob.bin"), randomBytes(200 * 1024));
  await writeFile(join(dir, "nested", "deeper", "tool.sh"), "#!/bin/sh\necho hi\n");
  await chmod(join(dir, "nested", "deeper", "tool.sh"), 0o755);
}

async function snapshot(dir: string): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  const walk = async (rel: string): Promise<void> => {
    for (const dirent of await readdir(join(dir, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${dirent.name}` : dirent.name;
      const info = await stat(join(dir, path));
      if (dirent.isDirectory()) {
        result[`${path}/`] = `dir ${(info.mode & 0o777).toString(8)}`;
        await walk(path);
      } else {
        const digest = createHash("sha256")
          .update(await readFile(join(dir, path)))
          .digest("hex");
        result[path] = `file ${(info.mode & 0o777).toString(8)} ${digest}`;
      }
    }
  };
  await walk("");
  return result;
}

async function twirp(method: string, body: unknown, token = service.env().ACTIONS_RUNTIME_TOKEN): Promise<Response> {
  return fetch(`${service.url}${TWIRP}${method}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
}

describe("local actions cache service with the real @actions/cache client", () => {
  it("saves a directory and restores it byte-for-byte", async () => {
    await makeTree(cached, "one");
    const before = await snapshot(cached);

    const id = await saveCache([cached], "deps-linux-1");
    expect(id).toBeGreaterThan(0);
    expect(service.entries()).toEqual([
      {
        key: "deps-linux-1",
        version: expect.stringMatching(/^[0-9a-f]{64}$/),
        size: expect.any(Number),
        finalized: true,
      },
    ]);
    expect(service.entries()[0]?.size).toBeGreaterThan(0);

    await rm(cached, { recursive: true });
    expect(await restoreCache([cached], "deps-linux-1")).toBe("deps-linux-1");
    expect(await snapshot(cached)).toEqual(before);

    expect(service.requests).toEqual([
      { operation: "CreateCacheEntry", status: 200 },
      { operation: "upload", status: 201 },
      { operation: "FinalizeCacheEntryUpload", status: 200 },
      { operation: "GetCacheEntryDownloadURL", status: 200 },
      { operation: "download", status: 200 },
    ]);
    expect(annotations("warning")).toEqual([]);
  });

  it("returns undefined for an unknown key without downloading anything", async () => {
    await makeTree(cached, "one");
    expect(await restoreCache([cached], "nothing-here", ["nothing-"])).toBeUndefined();
    expect(service.requests).toEqual([{ operation: "GetCacheEntryDownloadURL", status: 200 }]);
    expect(annotations("warning")).toEqual([]);
  });

  it("matches the exact key first, then the newest prefix match, only for the same version", async () => {
    await makeTree(cached, "a");
    expect(await saveCache([cached], "deps-a")).toBeGreaterThan(0);
    await writeFile(join(cached, "a.txt"), "second\n");
    expect(await saveCache([cached], "deps-b")).toBeGreaterThan(0);

    expect(await restoreCache([cached], "deps-a", ["deps-"])).toBe("deps-a");
    expect(await restoreCache([cached], "deps-zzz", ["nope-", "deps-"])).toBe("deps-b");
    expect(await readFile(join(cached, "a.txt"), "utf8")).toBe("second\n");
    // The primary key itself is also prefix-matched (newest wins).
    expect(await restoreCache([cached], "deps-")).toBe("deps-b");
    // Another path list gives another cache version: no match.
    expect(await restoreCache([cached, join(work, "other")], "deps-a", ["deps-"])).toBeUndefined();
  });

  it("a second save of the same key is refused with 409 and the client returns -1 (logged as info, not a warning)", async () => {
    await makeTree(cached, "one");
    const first = await saveCache([cached], "dup");
    expect(first).toBeGreaterThan(0);

    await expect(saveCache([cached], "dup")).resolves.toBe(-1);
    expect(service.requests.filter((r) => r.operation === "CreateCacheEntry")).toEqual([
      { operation: "CreateCacheEntry", status: 200 },
      { operation: "CreateCacheEntry", status: 409 },
    ]);
    expect(log()).toContain(
      "Failed to save: Unable to reserve cache with key dup, another job may be creating this cache.",
    );
    expect(log()).toContain(ALREADY_EXISTS_MESSAGE); // in the ::debug:: line of the twirp error
    expect(annotations("warning")).toEqual([]);
    expect(service.entries()).toHaveLength(1);
  });

  it("read-only: CreateCacheEntry is denied, save warns and returns -1, restore still works", async () => {
    await makeTree(cached, "one");
    expect(await saveCache([cached], "ro-existing")).toBeGreaterThan(0);
    service.setReadOnly(true);

    await expect(saveCache([cached], "ro-new")).resolves.toBe(-1);
    expect(annotations("warning")).toEqual([
      `Failed to save: Unable to reserve cache with key ro-new. More details: ${WRITE_DENIED_MESSAGE}`,
    ]);
    expect(service.entries().map((e) => e.key)).toEqual(["ro-existing"]);

    await rm(cached, { recursive: true });
    expect(await restoreCache([cached], "ro-existing")).toBe("ro-existing");
  });

  it("read-only from the start (options.readOnly)", async () => {
    const ro = await startLocalCacheService({ readOnly: true });
    const undo = applyEnv(ro.env());
    try {
      await makeTree(cached, "one");
      expect(await saveCache([cached], "k")).toBe(-1);
      expect(ro.requests).toEqual([{ operation: "CreateCacheEntry", status: 200 }]);
      expect(ro.entries()).toEqual([]);
    } finally {
      undo();
      await ro.close();
    }
  });

  it.each(["truncate", "flip-byte"] as const)(
    "a %s-corrupted blob makes restore warn and return undefined",
    async (how) => {
      await makeTree(cached, "one");
      const before = await snapshot(cached);
      expect(await saveCache([cached], "corrupt-me")).toBeGreaterThan(0);
      const size = service.entries()[0]?.size ?? 0;
      service.corrupt("corrupt-me", how);
      expect(service.entries()[0]?.size).toBe(how === "truncate" ? Math.floor(size / 2) : size);

      await rm(cached, { recursive: true });
      expect(await restoreCache([cached], "corrupt-me")).toBeUndefined();
      const warnings = annotations("warning");
      expect(warnings).toHaveLength(1);
      // tar reports the failure of its zstd/gzip child: `"/usr/bin/tar" failed with error: The process
      // '/usr/bin/tar' failed with exit code 2`. The download itself was complete (200).
      expect(warnings[0]).toMatch(
        /^Failed to restore: .*tar.* failed with error: The process .*tar' failed with exit code \d+/,
      );
      expect(service.requests.at(-1)).toEqual({ operation: "download", status: 200 });
      // Extraction is not atomic: whatever tar wrote before the failure stays on disk, so a caller must
      // treat this as a miss AND discard the target directory.
      const after = await snapshot(cached).catch(() => ({}));
      expect(after).not.toEqual(before);
    },
  );

  it("injected failures are soft failures for the client", async () => {
    await makeTree(cached, "one");

    service.failNext("upload", 403);
    expect(await saveCache([cached], "inj")).toBe(-1);
    expect(annotations("warning").join("\n")).toMatch(/uploadCacheArchiveSDK: internal error uploading cache archive/);
    expect(annotations("warning").join("\n")).toMatch(/Failed to save: /);
    // The reservation stands (not finalized), so a retry of the same key conflicts, as on GitHub.
    expect(service.entries()).toEqual([expect.objectContaining({ key: "inj", finalized: false, size: 0 })]);
    expect(await saveCache([cached], "inj")).toBe(-1);
    expect(service.requests.at(-1)).toEqual({ operation: "CreateCacheEntry", status: 409 });

    expect(await saveCache([cached], "inj2")).toBeGreaterThan(0);
    output.length = 0;
    service.failNext("GetCacheEntryDownloadURL", 403);
    expect(await restoreCache([cached], "inj2")).toBeUndefined();
    expect(annotations("warning")).toEqual([
      "Failed to restore: Failed to GetCacheEntryDownloadURL: Received non-retryable error: Failed request: (403) Forbidden: injected failure",
    ]);

    output.length = 0;
    service.failNext("download", 500);
    expect(await restoreCache([cached], "inj2")).toBeUndefined();
    expect(annotations("warning")).toEqual([
      "Failed to restore: downloadCache failed: Cache service responded with 500",
    ]);

    output.length = 0;
    service.failNext("FinalizeCacheEntryUpload", 400);
    expect(await saveCache([cached], "inj3")).toBe(-1);
    expect(annotations("warning")).toEqual([
      "Failed to save: Failed to FinalizeCacheEntryUpload: Received non-retryable error: Failed request: (400) Bad Request: injected failure",
    ]);

    expect(await restoreCache([cached], "inj2")).toBe("inj2");
  });

  it("5xx on the twirp API is retried by the client (after ~3 s)", async () => {
    await makeTree(cached, "one");
    service.failNext("CreateCacheEntry", 503);
    expect(await saveCache([cached], "retry")).toBeGreaterThan(0);
    expect(service.requests.slice(0, 2)).toEqual([
      { operation: "CreateCacheEntry", status: 503 },
      { operation: "CreateCacheEntry", status: 200 },
    ]);
  }, 15_000);

  it("service down: restore warns (NetworkError ECONNREFUSED) and returns undefined, save returns -1", async () => {
    await makeTree(cached, "one");
    await service.close(); // also removes its RUNNER_TEMP: give the client one that outlives it
    applyEnv({ RUNNER_TEMP: join(work, "runner-temp") }); // undone by afterEach's restoreEnv

    expect(await restoreCache([cached], "down")).toBeUndefined();
    const [warning] = annotations("warning");
    expect(warning).toMatch(
      /^Failed to restore: Failed to GetCacheEntryDownloadURL: Unable to make request: ECONNREFUSED/,
    );

    expect(await saveCache([cached], "down")).toBe(-1);
    expect(log()).toContain(
      "Failed to save: Unable to reserve cache with key down, another job may be creating this cache.",
    );
  });
});

describe("local actions cache service protocol details", () => {
  it("rejects twirp calls without a valid runtime token", async () => {
    const res = await twirp("GetCacheEntryDownloadURL", { key: "k", version: "v" }, "not-a-token");
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ code: "unauthenticated", msg: expect.any(String) });
  });

  it("blob endpoint works with the Azure SDK: block upload, properties, ranged download, bad signature", async () => {
    const created = await twirp("CreateCacheEntry", { key: "sdk", version: "v1" });
    const { ok, signed_upload_url: uploadUrl } = (await created.json()) as { ok: boolean; signed_upload_url: string };
    expect(ok).toBe(true);
    expect(uploadUrl.startsWith(`${service.url}blob/`)).toBe(true);

    const data = randomBytes(300_000);
    const file = join(work, "blob.bin");
    await writeFile(file, data);
    await new BlockBlobClient(uploadUrl).uploadFile(file, {
      blockSize: 64 * 1024,
      maxSingleShotSize: 0,
      concurrency: 3,
    });
    expect(service.requests.filter((r) => r.operation === "upload")).toHaveLength(6); // 5 blocks + block list

    const finalized = await twirp("FinalizeCacheEntryUpload", {
      key: "sdk",
      version: "v1",
      size_bytes: String(data.length),
    });
    expect(await finalized.json()).toEqual({ ok: true, entry_id: expect.stringMatching(/^\d+$/) });
    expect(service.entries()).toEqual([{ key: "sdk", version: "v1", size: data.length, finalized: true }]);

    const lookup = await twirp("GetCacheEntryDownloadURL", { key: "s", restore_keys: [], version: "v1" });
    const found = (await lookup.json()) as { ok: boolean; signed_download_url: string; matched_key: string };
    expect(found).toMatchObject({ ok: true, matched_key: "sdk" });

    const reader = new BlockBlobClient(found.signed_download_url);
    expect((await reader.getProperties()).contentLength).toBe(data.length);
    expect((await reader.downloadToBuffer(1000, 5000)).equals(data.subarray(1000, 6000))).toBe(true);
    expect((await reader.downloadToBuffer()).equals(data)).toBe(true);

    const ranged = await fetch(found.signed_download_url, { headers: { Range: "bytes=10-19" } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get("content-range")).toBe(`bytes 10-19/${data.length}`);
    expect(Buffer.from(await ranged.arrayBuffer()).equals(data.subarray(10, 20))).toBe(true);

    // The download URL is read-only and signatures are checked.
    expect((await fetch(found.signed_download_url, { method: "PUT", body: "x" })).status).toBe(403);
    const tampered = found.signed_download_url.replace(/sig=[^&]+/, "sig=AAAA");
    const denied = await fetch(tampered);
    expect(denied.status).toBe(403);
    expect(denied.headers.get("x-ms-error-code")).toBe("AuthenticationFailed");
  });
});
