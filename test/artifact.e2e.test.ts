import { createHash, randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DefaultArtifactClient } from "@actions/artifact";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  CONFLICT_MESSAGE,
  type LocalArtifactService,
  startLocalArtifactService,
} from "../devtools/local-artifact-service/index.ts";
import { MemoryLog } from "../src/log.ts";
import { defaultArtifactName, uploadZipsAsArtifact } from "../src/report/artifact.ts";
import { ARTIFACT_VARIABLES, withToolkitEnv } from "../src/toolkit-env.ts";
import { writeZip } from "../src/zip/writer.ts";

const TWIRP = "twirp/github.actions.results.api.v1.ArtifactService/";

let service: LocalArtifactService;
let work: string;
let dist: string;
let zips: string[];
/** the environment the action is given: the service's variables, nothing of the machine's */
let env: NodeJS.ProcessEnv;
let output: string[];

beforeEach(async () => {
  service = await startLocalArtifactService();
  work = await mkdtemp(join(tmpdir(), "artifact-test-"));
  dist = join(work, "dist");
  zips = await makeZips(work, dist);
  env = { ...service.env(), GITHUB_WORKSPACE: work };
  output = [];
  // @actions/core writes straight to process.stdout: keep it out of the test output.
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
    output.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
    const callback = rest.find((arg) => typeof arg === "function") as (() => void) | undefined;
    callback?.();
    return true;
  });
});

afterEach(async () => {
  vi.restoreAllMocks();
  await service.close();
  await rm(work, { recursive: true, force: true });
});

/** function.zip (a real deflated zip) and layer.zip (stored, compressible: shows the artifact is not recompressed). */
async function makeZips(root: string, out: string): Promise<string[]> {
  const src = join(root, "src");
  await mkdir(join(src, "python", "pkg"), { recursive: true });
  await mkdir(out, { recursive: true });
  const handler = join(src, "handler.py");
  await writeFile(handler, "def handler(event, context):\n    return {'ok': True}\n");
  const noise = join(src, "noise.bin");
  await writeFile(noise, randomBytes(64 * 1024));
  const module = join(src, "python", "pkg", "__init__.py");
  await writeFile(module, "# padding\n".repeat(30_000));
  const entry = async (name: string, absolutePath: string) => ({
    name,
    absolutePath,
    executable: false,
    size: (await readFile(absolutePath)).length,
  });
  const fn = await writeZip(
    [await entry("handler.py", handler), await entry("noise.bin", noise)],
    join(out, "function.zip"),
  );
  const layer = await writeZip([await entry("python/pkg/__init__.py", module)], join(out, "layer.zip"), { level: 0 });
  return [fn.path, layer.path];
}

const annotations = (log: MemoryLog) => log.annotations.map((a) => `${a.level}: ${a.message}`);

describe("uploadZipsAsArtifact against the local artifact service", () => {
  it("uploads both zips as one artifact, stored uncompressed, and the client can download them back", async () => {
    const log = new MemoryLog();
    const result = await uploadZipsAsArtifact(
      "lambda-orders-python3.12-arm64",
      zips,
      dist,
      { env, log },
      { retentionDays: 3 },
    );
    expect(annotations(log)).toEqual([]);
    expect(result).toBeDefined();

    const [stored, ...others] = service.artifacts();
    expect(others).toEqual([]);
    expect(stored).toMatchObject({
      id: result?.id,
      name: "lambda-orders-python3.12-arm64",
      size: result?.size,
      finalized: true,
    });
    expect([...(stored?.files ?? [])].sort()).toEqual(["function.zip", "layer.zip"]);
    // Compression level 0: the artifact archive holds the zips as they are (layer.zip is ~300 kB of text).
    const inputBytes = (await Promise.all(zips.map((z) => readFile(z)))).reduce((n, b) => n + b.length, 0);
    expect(stored?.size).toBeGreaterThan(inputBytes);
    expect(stored?.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const days = ((stored?.expiresAt?.getTime() ?? 0) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(2.9);
    expect(days).toBeLessThan(3.1);
    expect(log.lines.join("\n")).toContain('as artifact "lambda-orders-python3.12-arm64"');

    const operations = service.requests.map((r) => r.operation);
    expect(operations[0]).toBe("CreateArtifact");
    expect(operations.at(-1)).toBe("FinalizeArtifact");
    expect(operations).toContain("upload");
    expect(service.requests.every((r) => r.status < 300)).toBe(true);

    // Round trip through ListArtifacts, GetSignedArtifactURL and the blob download (served as a zip).
    const client = new DefaultArtifactClient();
    // the toolkit's own client reads the service from process.env, as the action's upload does
    const listed = await withToolkitEnv(env, ARTIFACT_VARIABLES, () => client.listArtifacts());
    expect(listed.artifacts.map((a) => [a.name, a.id, a.size])).toEqual([
      ["lambda-orders-python3.12-arm64", result?.id, result?.size],
    ]);
    const into = join(work, "downloaded");
    await withToolkitEnv(env, ARTIFACT_VARIABLES, () => client.downloadArtifact(result?.id ?? 0, { path: into }));
    for (const zip of zips) {
      const name = zip.slice(dist.length + 1);
      expect(sha256(await readFile(join(into, name)))).toBe(sha256(await readFile(zip)));
    }
  });

  it("a name already used in the run: a warning, no throw, the first artifact kept", async () => {
    const first = await uploadZipsAsArtifact("preview", zips, dist, { env, log: new MemoryLog() });
    expect(first).toBeDefined();
    const log = new MemoryLog();
    const second = await uploadZipsAsArtifact("preview", zips.slice(0, 1), dist, { env, log });
    expect(second).toBeUndefined();
    expect(annotations(log)).toHaveLength(1);
    expect(annotations(log)[0]).toMatch(/^warning: Artifact "preview" was not uploaded: an artifact with this name/);
    expect(annotations(log)[0]).toContain("unique per run");
    expect(service.requests.at(-1)).toEqual({ operation: "CreateArtifact", status: 409 });
    expect(service.artifacts().map((a) => [a.name, a.id, a.files.length])).toEqual([["preview", first?.id, 2]]);
  });

  it("the service down: a warning naming the connection failure", async () => {
    await service.close();
    const log = new MemoryLog();
    await expect(uploadZipsAsArtifact("preview", zips, dist, { env, log })).resolves.toBeUndefined();
    expect(annotations(log)).toEqual([
      expect.stringMatching(/^warning: Artifact "preview" was not uploaded: .*could not be reached \(ECONNREFUSED\)/),
    ]);
  });

  it("outside GitHub Actions (no runtime token): a warning, no request", async () => {
    env = { ...env, ACTIONS_RUNTIME_TOKEN: undefined };
    const log = new MemoryLog();
    expect(await uploadZipsAsArtifact("preview", zips, dist, { env, log })).toBeUndefined();
    expect(annotations(log)).toEqual([expect.stringContaining("ACTIONS_RUNTIME_TOKEN is not set")]);
    expect(service.requests).toEqual([]);
  });

  it("GitHub Enterprise Server: a warning, no request", async () => {
    env = { ...env, GITHUB_SERVER_URL: "https://github.example.com" };
    const log = new MemoryLog();
    expect(await uploadZipsAsArtifact("preview", zips, dist, { env, log })).toBeUndefined();
    expect(annotations(log)).toEqual([expect.stringContaining("not supported on GitHub Enterprise Server")]);
    expect(service.requests).toEqual([]);
  });

  it("a failed blob upload or finalization: a warning, the artifact left unfinalized", async () => {
    service.failNext("upload", 403);
    const log = new MemoryLog();
    expect(await uploadZipsAsArtifact("one", zips, dist, { env, log })).toBeUndefined();
    expect(annotations(log)).toEqual([
      'warning: Artifact "one" was not uploaded: the upload to the artifact storage failed (HTTP 403: Injected failure.)',
    ]);

    service.failNext("FinalizeArtifact", 400);
    const log2 = new MemoryLog();
    expect(await uploadZipsAsArtifact("two", zips, dist, { env, log: log2 })).toBeUndefined();
    expect(annotations(log2)).toEqual([expect.stringContaining("Failed to FinalizeArtifact")]);
    expect(service.artifacts().map((a) => [a.name, a.finalized])).toEqual([
      ["one", false],
      ["two", false],
    ]);
  });

  it("a transient 503 on CreateArtifact is retried by the client", async () => {
    service.failNext("CreateArtifact", 503);
    const log = new MemoryLog();
    const result = await uploadZipsAsArtifact("retried", zips, dist, { env, log });
    expect(annotations(log)).toEqual([]);
    expect(result?.id).toBeGreaterThan(0);
    expect(service.requests.slice(0, 2)).toEqual([
      { operation: "CreateArtifact", status: 503 },
      { operation: "CreateArtifact", status: 200 },
    ]);
  }, 20_000);

  it("no files: a warning, no request", async () => {
    const log = new MemoryLog();
    expect(await uploadZipsAsArtifact("empty", [], dist, { env, log })).toBeUndefined();
    expect(annotations(log)).toEqual([expect.stringContaining("no zips to upload")]);
    expect(service.requests).toEqual([]);
  });
});

describe("local artifact service protocol", () => {
  const token = () => service.env().ACTIONS_RUNTIME_TOKEN ?? "";
  const ids = { workflow_run_backend_id: "local-run", workflow_job_run_backend_id: "local-job" };
  const call = async (method: string, body: Record<string, unknown>, bearer = token()) => {
    const response = await fetch(`${service.url}${TWIRP}${method}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${bearer}` },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it("checks names, tokens, sizes and hashes as GitHub does", async () => {
    expect((await call("CreateArtifact", { ...ids, name: "x", version: 7 }, "not-a-token")).status).toBe(401);
    expect(
      (await call("CreateArtifact", { ...ids, workflow_run_backend_id: "other-run", name: "x", version: 7 })).status,
    ).toBe(403);
    expect((await call("CreateArtifact", { ...ids, name: "a/b", version: 7 })).status).toBe(400);

    const created = await call("CreateArtifact", { ...ids, name: "raw", version: 7, mime_type: "application/zip" });
    expect(created.status).toBe(200);
    const uploadUrl = String(created.body.signed_upload_url);
    const again = await call("CreateArtifact", { ...ids, name: "raw", version: 7 });
    expect(again).toEqual({ status: 409, body: { code: "already_exists", msg: CONFLICT_MESSAGE } });

    expect((await call("FinalizeArtifact", { ...ids, name: "raw", size: "0" })).status).toBe(412);
    const bytes = randomBytes(1000);
    const put = await fetch(uploadUrl, { method: "PUT", headers: { "x-ms-blob-type": "BlockBlob" }, body: bytes });
    expect(put.status).toBe(201);
    const wrongSize = await call("FinalizeArtifact", { ...ids, name: "raw", size: "999" });
    expect(wrongSize.status).toBe(400);
    expect(String(wrongSize.body.msg)).toContain("does not match");
    const wrongHash = await call("FinalizeArtifact", {
      ...ids,
      name: "raw",
      size: "1000",
      hash: `sha256:${"0".repeat(64)}`,
    });
    expect(wrongHash.status).toBe(400);
    const done = await call("FinalizeArtifact", { ...ids, name: "raw", size: "1000", hash: `sha256:${sha256(bytes)}` });
    expect(done).toEqual({ status: 200, body: { ok: true, artifact_id: expect.any(String) } });
    expect((await call("FinalizeArtifact", { ...ids, name: "raw", size: "1000" })).status).toBe(409);
    // Finalized blobs no longer take writes.
    expect(
      (await fetch(uploadUrl, { method: "PUT", headers: { "x-ms-blob-type": "BlockBlob" }, body: bytes })).status,
    ).toBe(403);
    expect(service.artifacts()).toEqual([
      expect.objectContaining({ name: "raw", size: 1000, finalized: true, files: [] }),
    ]);

    const deleted = await call("DeleteArtifact", { ...ids, name: "raw" });
    expect(deleted.body).toEqual({ ok: true, artifact_id: done.body.artifact_id });
    expect(service.artifacts()).toEqual([]);
    expect((await call("GetSignedArtifactURL", { ...ids, name: "raw" })).status).toBe(404);
    // The name is free again once the artifact is deleted (upload-artifact's `overwrite: true`).
    expect((await call("CreateArtifact", { ...ids, name: "raw", version: 7 })).status).toBe(200);
  });
});

describe("defaultArtifactName", () => {
  const base = { runtime: "python3.12", architecture: "arm64", packageMode: "function" };

  it("uses the function name, else the layer name, else lambda-package", () => {
    expect(defaultArtifactName({ ...base, functionName: "orders" })).toBe("lambda-orders-python3.12-arm64");
    expect(defaultArtifactName({ ...base, functionName: "orders", layerName: "deps", packageMode: "split" })).toBe(
      "lambda-orders-python3.12-arm64",
    );
    expect(defaultArtifactName({ ...base, layerName: "deps" })).toBe("lambda-deps-python3.12-arm64");
    expect(defaultArtifactName({ ...base })).toBe("lambda-package-python3.12-arm64");
    expect(defaultArtifactName({ ...base, functionName: "  " })).toBe("lambda-package-python3.12-arm64");
    expect(
      defaultArtifactName({ ...base, architecture: "x86_64", runtime: "python3.13", functionName: "orders" }),
    ).toBe("lambda-orders-python3.13-x86_64");
  });

  it("names a layer-only build after the layer, apart from a function of the same name", () => {
    expect(defaultArtifactName({ ...base, packageMode: "layer", layerName: "orders" })).toBe(
      "lambda-orders-layer-python3.12-arm64",
    );
    expect(defaultArtifactName({ ...base, packageMode: "layer" })).toBe("lambda-package-layer-python3.12-arm64");
  });

  it("reduces ARNs and qualifiers to the name and does not repeat the lambda prefix", () => {
    expect(
      defaultArtifactName({ ...base, functionName: "arn:aws:lambda:eu-west-1:123456789012:function:orders:live" }),
    ).toBe("lambda-orders-python3.12-arm64");
    expect(defaultArtifactName({ ...base, functionName: "123456789012:function:orders" })).toBe(
      "lambda-orders-python3.12-arm64",
    );
    expect(
      defaultArtifactName({
        ...base,
        packageMode: "layer",
        layerName: "arn:aws:lambda:eu-west-1:123456789012:layer:deps:7",
      }),
    ).toBe("lambda-deps-layer-python3.12-arm64");
    expect(defaultArtifactName({ ...base, functionName: "lambda-orders" })).toBe("lambda-orders-python3.12-arm64");
    expect(defaultArtifactName({ ...base, functionName: "lambdaorders" })).toBe("lambda-lambdaorders-python3.12-arm64");
  });

  it("leaves out the characters GitHub refuses in artifact names", () => {
    const name = defaultArtifactName({ ...base, functionName: 'my "fn" <a|b>*?\\x/y\r\nz' });
    expect(name).toBe("lambda-my-fn-a-b-x-y-z-python3.12-arm64");
    expect(name).not.toMatch(/[":<>|*?\\/\r\n]/);
  });
});

function sha256(data: Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}
