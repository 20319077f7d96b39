/**
 * What the Actions runner executes from a step's stdout, read as actions/runner reads
 * it (ActionCommandManager, ActionCommand.TryParseV2 / TryParse): lines split at CR,
 * LF or CRLF; `::name props::data` after leading white space; the legacy
 * `##[name props]data` anywhere in a line; nothing between `::stop-commands::TOKEN`
 * and `::TOKEN::`. Where the runner's rules are fuzzy (which characters count as
 * leading white space) this reads more lines as commands than the runner, never
 * fewer.
 */

export interface RunnerCommand {
  name: string;
  properties: Record<string, string>;
  data: string;
  line: string;
}

const COMMANDS = new Set([
  "add-mask",
  "set-output",
  "set-env",
  "add-path",
  "save-state",
  "error",
  "warning",
  "notice",
  "debug",
  "group",
  "endgroup",
  "echo",
  "add-matcher",
  "remove-matcher",
  "stop-commands",
]);

const unescapeValue = (s: string, property: boolean) =>
  (property ? s.replace(/%3A/g, ":").replace(/%2C/g, ",") : s)
    .replace(/%0D/g, "\r")
    .replace(/%0A/g, "\n")
    .replace(/%25/g, "%");

function parse(line: string, registered: Set<string>): RunnerCommand | undefined {
  // .NET's white space plus invisible format characters: wider than the runner
  const trimmed = line.replace(/^[\s\x85\p{Cf}]+/u, "");
  if (trimmed.startsWith("::")) {
    const end = trimmed.indexOf("::", 2);
    if (end >= 0) {
      const info = trimmed.slice(2, end);
      const space = info.indexOf(" ");
      const name = (space < 0 ? info : info.slice(0, space)).toLowerCase();
      if (registered.has(name)) {
        const properties: Record<string, string> = {};
        if (space > 0)
          for (const pair of info.slice(space + 1).split(",")) {
            const eq = pair.indexOf("=");
            if (eq > 0) properties[pair.slice(0, eq).trim()] = unescapeValue(pair.slice(eq + 1), true);
          }
        return { name, properties, data: unescapeValue(trimmed.slice(end + 2), false), line };
      }
    }
  }
  const legacy = line.indexOf("##[");
  if (legacy >= 0) {
    const close = line.indexOf("]", legacy);
    if (close >= 0) {
      const info = line.slice(legacy + 3, close);
      const name = info.split(" ")[0]!.toLowerCase();
      if (registered.has(name)) return { name, properties: {}, data: line.slice(close + 1), line };
    }
  }
  return undefined;
}

/** The commands the runner would execute, in order (stop/resume markers included). */
export function runnerCommands(stdout: string): RunnerCommand[] {
  const registered = new Set(COMMANDS);
  const executed: RunnerCommand[] = [];
  let stopToken: string | undefined;
  for (const line of stdout.split(/\r\n|\r|\n/)) {
    const command = parse(line, registered);
    if (!command) continue;
    if (stopToken !== undefined) {
      if (command.name === stopToken) {
        registered.delete(stopToken);
        stopToken = undefined;
        executed.push({ ...command, name: "resume-commands" });
      }
      continue;
    }
    if (command.name === "stop-commands") {
      stopToken = command.data.toLowerCase();
      registered.add(stopToken);
    }
    executed.push(command);
  }
  return executed;
}
