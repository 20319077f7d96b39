/**
 * A PEP 503 "simple" index on 127.0.0.1 serving the files of one folder, as pip
 * sees PyPI: /simple/ lists projects, /simple/<name>/ lists files with #sha256=.
 * Optional basic auth, a request log, and `unreachable()` to prove nothing is fetched.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";

export interface LocalIndex {
  /** the index URL to give pip, e.g. http://127.0.0.1:PORT/simple */
  url: string;
  requests: string[];
  /** from now on every request is answered 503 */
  unreachable(): void;
  close(): Promise<void>;
}

const normalize = (name: string) => name.toLowerCase().replace(/[-_.]+/g, "-");

function projectOf(filename: string): string {
  return normalize(filename.split("-")[0] ?? filename);
}

export async function startIndex(
  folder: string,
  options: { auth?: { user: string; password: string } } = {},
): Promise<LocalIndex> {
  const requests: string[] = [];
  let down = false;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    requests.push(url.pathname);
    if (down) {
      res.writeHead(503).end("index unreachable");
      return;
    }
    if (options.auth) {
      const expected = `Basic ${Buffer.from(`${options.auth.user}:${options.auth.password}`).toString("base64")}`;
      if (req.headers.authorization !== expected) {
        res.writeHead(401, { "WWW-Authenticate": 'Basic realm="index"' }).end();
        return;
      }
    }
    const files = readdirSync(folder).sort();
    const parts = url.pathname.split("/").filter(Boolean);
    if (parts[0] === "simple" && parts.length === 1) {
      const projects = [...new Set(files.map(projectOf))];
      res.writeHead(200, { "Content-Type": "text/html" });
      res.end(`<!DOCTYPE html><html><body>${projects.map((p) => `<a href="${p}/">${p}</a>`).join("\n")}</body></html>`);
      return;
    }
    if (parts[0] === "simple" && parts.length === 2) {
      const project = normalize(parts[1] ?? "");
      const mine = files.filter((f) => projectOf(f) === project);
      if (mine.length === 0) {
        res.writeHead(404).end("not found");
        return;
      }
      const links = mine.map((f) => {
        const sha = createHash("sha256")
          .update(readFileSync(path.join(folder, f)))
          .digest("hex");
        return `<a href="../../files/${encodeURIComponent(f)}#sha256=${sha}">${f}</a><br/>`;
      });
      res.writeHead(200, { "Content-Type": "text/html" });
      res.end(`<!DOCTYPE html><html><body><h1>Links for ${project}</h1>\n${links.join("\n")}\n</body></html>`);
      return;
    }
    if (parts[0] === "files" && parts.length === 2) {
      const name = path.basename(decodeURIComponent(parts[1] ?? ""));
      try {
        const data = readFileSync(path.join(folder, name));
        res.writeHead(200, { "Content-Type": "application/octet-stream", "Content-Length": data.length });
        res.end(data);
      } catch {
        res.writeHead(404).end("not found");
      }
      return;
    }
    res.writeHead(404).end("not found");
  });
  // Bounded: idle keep-alive sockets are closed quickly and close() ends every connection.
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/simple`,
    requests,
    unreachable: () => {
      down = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
