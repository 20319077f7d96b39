/**
 * The floor of a warm build through the Actions cache: what no implementation can avoid on
 * this machine. A runner starts Node; the cache entry's bytes must come over the network
 * (here the loopback, from a server in another process, as the local cache service is) into
 * a file; the zips must be written. Each is measured here, with the same byte counts the
 * warm build moved, so the benchmark can say how far the action is from it.
 */
import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { summarize } from "./report.ts";

export interface Floor {
  /** `node -e 0`: Node's own start and exit */
  nodeStartMs: number;
  /** the entry's bytes from a server process over the loopback into a file */
  downloadMs: number;
  /** the zips' bytes written to a file in the work folder */
  writeMs: number;
  entryBytes: number;
  zipBytes: number;
  /** all three, one after the other */
  totalMs: number;
}

function nodeStart(): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ["-e", "0"], { stdio: "ignore" });
    child.on("error", reject);
    child.on("close", () => resolve(performance.now() - started));
  });
}

/** A server in a process of its own sending `bytes` bytes once per request, as the cache service does. */
const SERVER = `
const http = require("node:http");
const body = Buffer.alloc(Number(process.argv[1]), 7);
const server = http.createServer((req, res) => { res.writeHead(200, { "content-length": body.length }); res.end(body); });
server.listen(0, "127.0.0.1", () => process.stdout.write(server.address().port + "\\n"));
process.stdin.on("end", () => process.exit(0)).resume();
`;

async function download(bytes: number, file: string, rounds: number): Promise<number[]> {
  const server = spawn(process.execPath, ["-e", SERVER, String(bytes)], { stdio: ["pipe", "pipe", "inherit"] });
  try {
    const port = await new Promise<string>((resolve, reject) => {
      server.stdout.once("data", (d: Buffer) => resolve(d.toString().trim()));
      server.on("error", reject);
    });
    const times: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const started = performance.now();
      await new Promise<void>((resolve, reject) => {
        http
          .get(`http://127.0.0.1:${port}/`, (res) => pipeline(res, createWriteStream(file)).then(resolve, reject))
          .on("error", reject);
      });
      times.push(performance.now() - started);
    }
    return times;
  } finally {
    server.stdin.end();
  }
}

/** Each part measured `rounds` times, medians taken: the floor at this machine's speeds. */
export async function measureFloor(options: {
  dir: string;
  entryBytes: number;
  zipBytes: number;
  rounds?: number;
}): Promise<Floor> {
  const rounds = options.rounds ?? 5;
  const file = path.join(options.dir, "floor.bin");
  const starts: number[] = [];
  for (let i = 0; i < rounds; i++) starts.push(await nodeStart());
  const downloads = await download(options.entryBytes, file, rounds);
  const data = Buffer.alloc(options.zipBytes, 7);
  const writes: number[] = [];
  for (let i = 0; i < rounds; i++) {
    await rm(file, { force: true });
    const started = performance.now();
    await writeFile(file, data);
    writes.push(performance.now() - started);
  }
  await rm(file, { force: true });
  const median = (values: number[]) => summarize(values.map(Math.round)).median;
  const floor = {
    nodeStartMs: median(starts),
    downloadMs: median(downloads),
    writeMs: median(writes),
    entryBytes: options.entryBytes,
    zipBytes: options.zipBytes,
  };
  return { ...floor, totalMs: floor.nodeStartMs + floor.downloadMs + floor.writeMs };
}
