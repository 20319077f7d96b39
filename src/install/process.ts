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
