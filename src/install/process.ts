/**
 * Running a child process with its output captured and logged line by line through
 * the Log, which redacts it and neutralizes workflow commands before the runner sees
 * it. Plain child_process rather than @actions/exec, which would write the output to
 * stdout itself (docs/internals.md says why in full).
 */
import { spawn } from "node:child_process";
import type { Log } from "../log.ts";

export interface ProcessResult {
  code: number;
  output: string;
}

export function runProcess(
  command: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; cwd?: string; log?: Log },
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env, cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    let partial = "";
    const onData = (data: Buffer) => {
      chunks.push(data);
      if (!options.log) return;
      const text = partial + data.toString("utf8");
      const lines = text.split(/\r?\n/);
      partial = lines.pop() ?? "";
      for (const line of lines) options.log.info(line);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("error", reject);
    child.on("close", (code) => {
      if (partial && options.log) options.log.info(partial);
      resolve({ code: code ?? 1, output: Buffer.concat(chunks).toString("utf8") });
    });
  });
}

export interface BoundedResult {
  /** null when killed at the timeout */
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A bounded child process: killed at the timeout, output capped. */
export function runBounded(
  command: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; cwd?: string; timeoutMs: number; stdin?: string },
): Promise<BoundedResult> {
  const CAP = 1024 * 1024;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env, cwd: options.cwd, stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outSize = 0;
    let errSize = 0;
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill("SIGKILL");
    }, options.timeoutMs);
    child.stdout.on("data", (d: Buffer) => {
      if (outSize < CAP) out.push(d);
      outSize += d.length;
    });
    child.stderr.on("data", (d: Buffer) => {
      if (errSize < CAP) err.push(d);
      errSize += d.length;
    });
    child.stdin.on("error", () => undefined);
    child.stdin.end(options.stdin ?? "");
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({
        code: killed ? null : (code ?? 1),
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      });
    });
  });
}
