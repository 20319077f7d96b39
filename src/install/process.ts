/**
 * Running a child process with its output captured and logged line by line through
 * the Log, which redacts it and neutralizes workflow commands before the runner sees
 * it. Plain child_process rather than @actions/exec, which would write the output to
 * stdout itself (docs/internals.md says why in full).
 */
import { spawn } from "node:child_process";
import { StringDecoder } from "node:string_decoder";
import type { Log } from "../log.ts";
import { redactEdges } from "../redact.ts";

export interface ProcessResult {
  code: number;
  /** what the process wrote, at most OUTPUT_HEAD + OUTPUT_TAIL bytes: its start and its end, with a line where the middle was left out */
  output: string;
}

/**
 * A child's output is kept bounded, the same way for every child: pip's for the diagnosis,
 * which reads the first lines (what was collected) and the last ones (the error); a
 * script's for the result it writes last. A real install writes a few hundred kilobytes;
 * an index, a build backend or a chatty module can make a child write without end, so
 * the middle is counted, not kept.
 */
export const OUTPUT_HEAD = 1024 * 1024;
export const OUTPUT_TAIL = 1024 * 1024;
/** A line longer than this goes to the log cut, with its length. */
export const LOG_LINE_LIMIT = 64 * 1024;

/** The first `head` bytes and the last `tail` bytes of a stream, whatever its length. */
export class HeadTail {
  private readonly start: Buffer[] = [];
  private startSize = 0;
  private end: Buffer[] = [];
  private endSize = 0;
  private total = 0;
  constructor(
    private readonly head: number,
    private readonly tail: number,
  ) {}

  push(data: Buffer): void {
    this.total += data.length;
    let rest = data;
    if (this.startSize < this.head) {
      const take = rest.subarray(0, this.head - this.startSize);
      this.start.push(take);
      this.startSize += take.length;
      rest = rest.subarray(take.length);
    }
    if (rest.length === 0) return;
    this.end.push(rest);
    this.endSize += rest.length;
    while (this.end.length > 1 && this.endSize - (this.end[0]?.length ?? 0) >= this.tail) {
      this.endSize -= this.end.shift()?.length ?? 0;
    }
  }

  text(): string {
    let end = Buffer.concat(this.end);
    if (end.length > this.tail) end = end.subarray(end.length - this.tail);
    const left = this.total - this.startSize - end.length;
    const head = Buffer.concat(this.start).toString("utf8");
    if (left <= 0) return Buffer.concat([...this.start, end]).toString("utf8");
    // a secret the gap cut in two is masked on both sides of it
    return `${redactEdges(head, { end: true })}\n[${left} bytes of output left out]\n${redactEdges(end.toString("utf8"), { start: true })}`;
  }
}

/** Splits a stream into lines for the log; a line over LOG_LINE_LIMIT is logged cut, with its length. */
class LineSplitter {
  private partial = "";
  private cut = 0;
  constructor(private readonly emit: (line: string) => void) {}

  push(text: string): void {
    const lines = (this.partial + text).split(/\r?\n/);
    this.partial = lines.pop() ?? "";
    for (const line of lines) this.line(line);
    if (this.partial.length > LOG_LINE_LIMIT) {
      this.cut += this.partial.length - LOG_LINE_LIMIT;
      this.partial = this.partial.slice(0, LOG_LINE_LIMIT);
    }
  }

  flush(): void {
    if (this.partial || this.cut) this.line(this.partial);
    this.partial = "";
  }

  private line(line: string): void {
    const over = this.cut + Math.max(0, line.length - LOG_LINE_LIMIT);
    // cut redacted: a secret the cut splits is masked, not shown in part
    const kept = over > 0 ? redactEdges(line.slice(0, LOG_LINE_LIMIT), { end: true }) : line;
    this.emit(over > 0 ? `${kept} … [line cut: ${over} more characters]` : line);
    this.cut = 0;
  }
}

export function runProcess(
  command: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; cwd?: string; log?: Log },
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env, cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"] });
    const kept = new HeadTail(OUTPUT_HEAD, OUTPUT_TAIL);
    const log = options.log;
    const lines = log ? new LineSplitter((line) => log.info(line)) : undefined;
    // one decoder per stream: a character split between two reads is not garbled
    const reader = (decoder: StringDecoder) => (data: Buffer) => {
      kept.push(data);
      lines?.push(decoder.write(data));
    };
    child.stdout.on("data", reader(new StringDecoder("utf8")));
    child.stderr.on("data", reader(new StringDecoder("utf8")));
    child.on("error", reject);
    child.on("close", (code) => {
      lines?.flush();
      resolve({ code: code ?? 1, output: kept.text() });
    });
  });
}

export interface BoundedResult {
  /** null when killed at the timeout */
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * A bounded child process: killed at the timeout, each stream kept as runProcess keeps
 * pip's (its first OUTPUT_HEAD and last OUTPUT_TAIL bytes, a line where the middle was
 * left out). The end is what callers read: the result line a script writes last, the
 * traceback a crash ends with.
 */
export function runBounded(
  command: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; cwd?: string; timeoutMs: number; stdin?: string },
): Promise<BoundedResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env, cwd: options.cwd, stdio: ["pipe", "pipe", "pipe"] });
    const out = new HeadTail(OUTPUT_HEAD, OUTPUT_TAIL);
    const err = new HeadTail(OUTPUT_HEAD, OUTPUT_TAIL);
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill("SIGKILL");
    }, options.timeoutMs);
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => err.push(d));
    child.stdin.on("error", () => undefined);
    child.stdin.end(options.stdin ?? "");
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: killed ? null : (code ?? 1), stdout: out.text(), stderr: err.text() });
    });
  });
}
