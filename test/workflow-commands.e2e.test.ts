/**
 * Text from outside (file and folder names, lockfile strings, pip's output, AWS
 * messages) never becomes a workflow command. stdout is read the way the runner reads
 * it (test/support/runner.ts): the only commands executed are the action's own
 * (groups, annotations with the properties it gave, masks, and the stop/resume
 * markers around untrusted text), and the text itself is still shown. Three levels:
 * the Actions log over the real @actions/core, pip-like output streamed through
 * runProcess, and the bundled action run as the runner runs it.
 */
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import * as core from "@actions/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Output } from "../src/constants.ts";
import { escapeControls } from "../src/egress.ts";
import { runProcess } from "../src/install/process.ts";
import { actionsLog, commandSafe } from "../src/log.ts";
import { bundledAction } from "./support/bundle.ts";
import { hostPython } from "./support/python.ts";
import { type RunnerCommand, runnerCommands } from "./support/runner.ts";

/** Each tries a different way into a command: a new line, CR alone, leading spaces of every kind, the legacy form. */
const HOSTILE = [
  "pylock.\n::set-output name=deployed::updated\n.toml",
  "six\r::add-mask::x",
  "dir/\r\n   ::warning file=a::b/requirements.txt",
  "\u00a0::set-output name=deployed::updated",
  "\u0085::add-mask::deploy-token",
  "\u200b::set-output name=deployed::updated",
  "\t::error title=forged::the build is fine, ignore the red",
  "AccessDenied: user ##[set-output name=deployed;]updated",
  "a,b:c::d%0A::set-output name=deployed::updated",
];

/** Commands that are not the action's own, or annotations whose properties are not those it gave. */
function foreign(commands: RunnerCommand[], given: { file?: string; title?: string } = {}): RunnerCommand[] {
  return commands.filter((c) => {
    if (["stop-commands", "resume-commands", "group", "endgroup", "debug"].includes(c.name)) return false;
    if (["error", "warning", "notice"].includes(c.name)) {
      const { file, title, ...rest } = c.properties;
      return file !== given.file || title !== given.title || Object.keys(rest).some((k) => k !== "line");
    }
    return true;
  });
}

async function stdoutOf(fn: () => Promise<unknown>): Promise<string> {
  const write = process.stdout.write;
  let out = "";
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out += chunk.toString();
    return true;
  }) as typeof process.stdout.write;
  try {
    await fn();
  } finally {
    process.stdout.write = write;
  }
  return out;
}

/** $GITHUB_OUTPUT read as the runner reads it: `name<<DELIMITER` … `DELIMITER`. */
function outputsOf(text: string): Record<string, string> {
  const found: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^=<]+)<<(.+)$/.exec(lines[i]!);
    if (!m) continue;
    const end = lines.indexOf(m[2]!, i + 1);
    found[m[1]!] = lines.slice(i + 1, end).join("\n");
    i = end;
  }
  return found;
}

it("an output value holding new lines cannot add another output ($GITHUB_OUTPUT, core's random delimiter)", async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "lpp-output-"));
  const saved = process.env.GITHUB_OUTPUT;
  process.env.GITHUB_OUTPUT = path.join(dir, "output");
  try {
    await writeFile(process.env.GITHUB_OUTPUT, "");
    const value = "dist/pylock.\ndeployed<<EOF\nupdated\nEOF\ndeployed=updated\n.zip";
    core.setOutput(Output.FunctionZip, value);
    expect(outputsOf(await readFile(process.env.GITHUB_OUTPUT, "utf8"))).toEqual({ [Output.FunctionZip]: value });
  } finally {
    process.env.GITHUB_OUTPUT = saved;
    await rm(dir, { recursive: true, force: true });
  }
});

describe("the Actions log over @actions/core", () => {
  for (const text of HOSTILE) {
    it(`prints ${JSON.stringify(text)} as text, in every kind of message, control characters escaped`, async () => {
      const log = actionsLog(core, (file) => file);
      // as the reader sees it: a CR, a C1 control or an invisible character written out, never acted on
      const shown = escapeControls(text);
      const info = await stdoutOf(async () => {
        log.info(text);
        log.info(`Lockfile: ${text}`);
      });
      expect(foreign(runnerCommands(info))).toEqual([]);
      expect(info).toContain(`Lockfile: ${shown}`);
      const grouped = await stdoutOf(() => log.group(text, async () => log.debug(text)));
      expect(foreign(runnerCommands(grouped))).toEqual([]);
      expect(runnerCommands(grouped).find((c) => c.name === "group")?.data).toBe(shown);
      for (const level of ["error", "warning", "notice"] as const) {
        const annotated = await stdoutOf(async () =>
          log.annotate(level, `cannot read ${text}`, { file: text, line: 3, distribution: text }),
        );
        const commands = runnerCommands(annotated);
        expect(foreign(commands, { file: shown, title: shown })).toEqual([]);
        expect(commands.map((c) => [c.name, c.data])).toEqual([[level, `cannot read ${shown}`]]);
      }
    });
  }

  it("ordinary text is printed untouched; the markers' token cannot be predicted or met in the text", () => {
    expect(commandSafe("Lockfile: uv.lock (https://pypi.org/simple)")).toBe(
      "Lockfile: uv.lock (https://pypi.org/simple)",
    );
    const tokens = ["aaaa", "aaaa", "bbbb"];
    expect(commandSafe("x aaaa ::y", () => tokens.shift()!)).toBe("::stop-commands::bbbb\nx aaaa ::y\n::bbbb::");
    const a = commandSafe("::x");
    expect(a).not.toBe(commandSafe("::x"));
  });
});

it("pip's streamed output cannot issue commands, while the action's own still work", async () => {
  const log = actionsLog(core, (file) => file);
  const script = HOSTILE.map((t) => `sys.stdout.write(${JSON.stringify(t)} + "\\n")`).join("; ");
  const out = await stdoutOf(async () => {
    const run = runProcess(hostPython(), ["-c", `import sys; ${script}; sys.stderr.write("::add-mask::e\\n")`], {
      env: { PATH: process.env.PATH },
      log,
    });
    log.annotate("warning", "meanwhile, the action's own annotation");
    expect((await run).code).toBe(0);
  });
  const commands = runnerCommands(out);
  expect(foreign(commands)).toEqual([]);
  expect(commands.filter((c) => c.name === "warning").map((c) => c.data)).toEqual([
    "meanwhile, the action's own annotation",
  ]);
  for (const t of HOSTILE) for (const line of t.split(/\r?\n/)) expect(out).toContain(escapeControls(line));
});

describe("the bundled action, run as the runner runs it", () => {
  let work: string;
  let bundle: string;

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), "lpp-commands-"));
    bundle = await bundledAction();
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  async function runAction(
    name: string,
    files: Record<string, string>,
    lockfile?: string,
    extra: NodeJS.ProcessEnv = {},
  ) {
    const dir = path.join(work, name);
    for (const [file, content] of Object.entries({ "app.py": "def handler(e, c):\n    return 1\n", ...files })) {
      await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
      await writeFile(path.join(dir, file), content);
    }
    const home = path.join(work, `${name}-home`);
    await mkdir(home, { recursive: true });
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: home,
      PIP_CONFIG_FILE: os.devNull,
      PIP_DISABLE_PIP_VERSION_CHECK: "1",
      PIP_NO_INDEX: "1",
      RUNNER_TEMP: path.join(home, "tmp"),
      GITHUB_OUTPUT: path.join(home, "output"),
      GITHUB_STEP_SUMMARY: path.join(home, "summary.md"),
      GITHUB_WORKSPACE: dir,
      "INPUT_WORKING-DIRECTORY": dir,
      INPUT_PYTHON: hostPython(),
      INPUT_RUNTIME: "python3.12",
      INPUT_CACHE: "false",
      ...(lockfile ? { INPUT_LOCKFILE: lockfile } : {}),
      ...extra,
    };
    await writeFile(env.GITHUB_OUTPUT!, "");
    await writeFile(env.GITHUB_STEP_SUMMARY!, "");
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [bundle], { env, cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => {
        stdout += d.toString();
      });
      child.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
      });
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
    return { ...run, outputs: await readFile(env.GITHUB_OUTPUT!, "utf8") };
  }

  /** Every executed command is the action's own; no annotation points at a file or title it did not name. */
  function onlyOwnCommands(stdout: string, files: string[]) {
    const strange = runnerCommands(stdout).filter(
      (c) =>
        !["stop-commands", "resume-commands", "group", "endgroup", "debug", "error", "warning", "notice"].includes(
          c.name,
        ) ||
        (c.properties.file !== undefined && !files.includes(c.properties.file)),
    );
    expect(strange.map((c) => c.line)).toEqual([]);
  }

  const LOCKFILE = "pylock.\n::set-output name=deployed::updated\n.toml";
  const FOLDER = "deps\r::add-mask::x\n  ::warning file=a::b";
  it.each([
    ["a lockfile named with a command", { [LOCKFILE]: 'lock-version = "1.0"\ncreated-by = "t"\n' }, LOCKFILE],
    ["a folder named with commands", { [`${FOLDER}/requirements.txt`]: "" }, `${FOLDER}/requirements.txt`],
    [
      "a uv.lock whose dependency name holds commands",
      {
        "uv.lock": [
          'version = 1\nrequires-python = ">=3.12"\n',
          '[[package]]\nname = "app"\nversion = "0.1.0"\nsource = { virtual = "." }',
          'dependencies = [{ name = "lib\\n::set-output name=deployed::updated" }]\n',
          '[[package]]\nname = "lib\\n::set-output name=deployed::updated"\nversion = "0.1.0"',
          'source = { editable = "lib" }\n',
        ].join("\n"),
        "lib/lib/__init__.py": "",
        "lib/pyproject.toml": '[project]\nname = "lib"\nversion = "0.1.0"\n',
      },
      undefined,
    ],
  ])("%s: no command from it is executed, no output is added", async (name, files, lockfile) => {
    const run = await runAction(name.replace(/\W+/g, "-"), files, lockfile);
    onlyOwnCommands(run.stdout, [lockfile ?? "uv.lock", "uv.lock", "pyproject.toml"]);
    onlyOwnCommands(run.stderr, []);
    const outputs = outputsOf(run.outputs);
    expect(outputs.deployed ?? "", `${run.stdout}\n${run.stderr}`).not.toBe("updated");
    for (const key of Object.keys(outputs)) expect(Object.values(Output)).toContain(key);
    expect(run.stdout).not.toMatch(/internal error/);
  });

  it.each([
    ["a run that builds", "python3.12"],
    ["a run whose inputs are refused", "python2.7"],
  ])(
    "%s: every credential in the inputs and the installers' variables is masked before anything else is printed",
    async (name, runtime) => {
      const variables = {
        "INPUT_INDEX-URL": "https://ci:input-P@ss@pypi.example.com/simple",
        "INPUT_EXTRA-INDEX-URL": "https://extra-Token9@mirror.example.com/simple",
        PIP_FIND_LINKS: "https://ci:findlinks-S3cret@links.example.com/wheels",
        PIP_EXTRA_INDEX_URL: "ci:scheme1ess-S3cret@pypi2.example.com/simple",
        UV_INDEX: "corp=https://ci:uv-index-S3cret@uv.example.com/simple",
        UV_INDEX_URL: "https://ci:uv-url%40S3cret@uv2.example.com/simple",
        INPUT_RUNTIME: runtime,
      };
      const run = await runAction(
        `masks-${name.replace(/\W+/g, "-")}`,
        { "requirements.txt": "" },
        undefined,
        variables,
      );
      const lines = run.stdout.split("\n");
      const firstOther = lines.findIndex((l) => !l.startsWith("::add-mask::"));
      const masked = lines.slice(0, firstOther).map((l) => l.slice("::add-mask::".length));
      for (const secret of [
        "input-P@ss",
        "extra-Token9",
        "findlinks-S3cret",
        "scheme1ess-S3cret",
        "uv-index-S3cret",
        "uv-url@S3cret",
      ])
        expect(masked, run.stdout).toContain(secret);
      for (const secret of ["input-P@ss", "findlinks-S3cret", "uv-url@S3cret", "uv-url%40S3cret"])
        expect(lines.slice(firstOther).join("\n")).not.toContain(secret);
    },
  );
});
