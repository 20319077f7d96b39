/**
 * The one door for everything the action says. Inside Actions it is backed by
 * @actions/core (annotations, groups, masking); elsewhere by the console. Every
 * message passes through `redact`.
 */
import type { Where } from "./errors.ts";
import { redact } from "./redact.ts";

export type AnnotationLevel = "error" | "warning" | "notice";

export interface Log {
  info(message: string): void;
  debug(message: string): void;
  annotate(level: AnnotationLevel, message: string, where?: Where): void;
  group<T>(title: string, fn: () => Promise<T>): Promise<T>;
}

/** A log that keeps what it is told, for the demo and tests that assert on messages. */
export class MemoryLog implements Log {
  readonly lines: string[] = [];
  readonly annotations: { level: AnnotationLevel; message: string; where?: Where }[] = [];
  constructor(private readonly echo: (line: string) => void = () => {}) {}
  info(message: string): void {
    const line = redact(message);
    this.lines.push(line);
    this.echo(line);
  }
  debug(): void {}
  annotate(level: AnnotationLevel, message: string, where?: Where): void {
    this.annotations.push({ level, message: redact(message), where });
    const at = where?.file ? ` (${where.file}${where.line ? `:${where.line}` : ""})` : "";
    this.info(`${level}${at}: ${message}`);
  }
  async group<T>(title: string, fn: () => Promise<T>): Promise<T> {
    this.info(`▸ ${title}`);
    return fn();
  }
}
