/**
 * The one door for everything the action says. Inside Actions it is backed by
 * @actions/core (annotations, groups, masking); elsewhere by the console. Every
 * message leaves through `logText` (controls escaped, credentials masked, last), and
 * nothing printed can be read by the runner as a workflow command.
 */
import { randomBytes } from "node:crypto";
import type * as core from "@actions/core";
import { logText } from "./egress.ts";
import type { Where } from "./errors.ts";

export type AnnotationLevel = "error" | "warning" | "notice";

export interface Log {
  info(message: string): void;
  debug(message: string): void;
  annotate(level: AnnotationLevel, message: string, where?: Where): void;
  group<T>(title: string, fn: () => Promise<T>): Promise<T>;
}

/** The part of @actions/core the Actions log speaks through (main.ts hands in the real one). */
export type Runner = Pick<typeof core, "info" | "debug" | "error" | "warning" | "notice" | "group">;

/**
 * The log inside Actions. `core.info` prints as is, so its text is guarded here;
 * annotations, debug lines and group titles are single commands whose message and
 * properties core escapes (`%`, CR, LF; and `:` `,` in properties), so no part of
 * them can start a line. `fileFor` makes a file relative to the workspace.
 */
export function actionsLog(runner: Runner, fileFor: (file: string) => string): Log {
  return {
    info: (m) => runner.info(commandSafe(logText(m))),
    debug: (m) => runner.debug(logText(m)),
    annotate: (level, message, where) => {
      const props = {
        file: where?.file ? logText(fileFor(where.file)) : undefined,
        startLine: where?.line,
        title: where?.distribution ? logText(where.distribution) : undefined,
      };
      runner[level](logText(message), props);
    },
    group: (title, fn) => runner.group(logText(title), fn),
  };
}

/**
 * Text that may hold a workflow command is printed between `::stop-commands::TOKEN`
 * and `::TOKEN::` (the runner executes nothing in between, and only the unguessable
 * token resumes). Per message rather than around a whole child process, so the
 * action's own commands (a mask, an annotation) are never switched off meanwhile; and
 * the text is shown as it is, not mangled. Other text is printed untouched.
 */
export function commandSafe(text: string, newToken = () => randomBytes(16).toString("hex")): string {
  if (!mayFormCommand(text)) return text;
  let token = newToken();
  while (text.includes(token)) token = newToken();
  return `::stop-commands::${token}\n${text}\n::${token}::`;
}

/**
 * The runner splits lines at CR and LF, takes `::` after leading white space (.NET's
 * set, wider than JavaScript's) and the legacy `##[` anywhere in a line, comparing
 * culture-aware (which skips some invisible characters). So any `::` or `##[` counts,
 * once invisible, spacing and combining characters are dropped and compatibility
 * forms (a full-width colon) folded: a false alarm costs two marker lines.
 */
function mayFormCommand(text: string): boolean {
  const folded = text.normalize("NFKC").replace(/[\p{C}\p{Z}\p{M}\s]/gu, "");
  return folded.includes("::") || folded.includes("##[");
}

/** A log that keeps what it is told, for the demo and tests that assert on messages. */
export class MemoryLog implements Log {
  readonly lines: string[] = [];
  readonly annotations: { level: AnnotationLevel; message: string; where?: Where }[] = [];
  constructor(private readonly echo: (line: string) => void = () => {}) {}
  info(message: string): void {
    const line = logText(message);
    this.lines.push(line);
    this.echo(line);
  }
  debug(): void {}
  annotate(level: AnnotationLevel, message: string, where?: Where): void {
    this.annotations.push({ level, message: logText(message), where });
    const at = where?.file ? ` (${where.file}${where.line ? `:${where.line}` : ""})` : "";
    this.info(`${level}${at}: ${message}`);
  }
  async group<T>(title: string, fn: () => Promise<T>): Promise<T> {
    this.info(`▸ ${title}`);
    return fn();
  }
}
