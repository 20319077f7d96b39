/**
 * The unit tier's promise: no servers, no Python, no pip, no child processes, so it
 * runs in seconds on every core. A test that breaks it fails here at once, saying
 * which tier it belongs to, instead of slowly making the fast tier slow.
 */
import childProcess from "node:child_process";
import { syncBuiltinESMExports } from "node:module";
import net from "node:net";
import { afterAll } from "vitest";

// mkfifo makes a special file Node cannot create itself; it starts no Python and no server
const ALLOWED = new Set(["mkfifo"]);

const refused: string[] = [];

function refuse(what: string): never {
  refused.push(what);
  throw new Error(`${what} in a unit test: a test that needs it belongs in a *.e2e.test.ts file`);
}

// a probe that catches the refusal ("is readelf installed?") would otherwise skip a test quietly
afterAll(() => {
  if (refused.length > 0)
    throw new Error(
      `refused in this unit test file: ${refused.join("; ")}; move what needs it to a *.e2e.test.ts file`,
    );
});

for (const name of ["spawn", "spawnSync", "execFile", "execFileSync", "exec", "execSync", "fork"] as const) {
  const original = childProcess[name] as (...args: unknown[]) => unknown;
  (childProcess as unknown as Record<string, unknown>)[name] = (command: unknown, ...rest: unknown[]) => {
    if (typeof command === "string" && ALLOWED.has(command) && name !== "exec" && name !== "execSync")
      return original(command, ...rest);
    return refuse(`starting a process (${name} ${String(command)})`);
  };
}
net.Server.prototype.listen = () => refuse("listening on a port");
syncBuiltinESMExports();
