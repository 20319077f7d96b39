/**
 * The dist-info texts pip reads when it installs a wheel (WHEEL, entry_points.txt, RECORD's
 * digests), held to grammars narrow enough that pip is known to accept what passes. What
 * falls outside is not judged here: the caller hands the wheel to pip's install path
 * (WheelUnusual), so pip's refusal, or its own reading, reaches the user unchanged.
 *
 * pip's rules (pip 23–24, operations/install/wheel.py and utils/wheel.py):
 * - WHEEL is decoded as UTF-8 (a failure refuses the wheel), parsed as an e-mail header
 *   block; `Wheel-Version` must be present and `int`s joined by dots; a major above 1 is refused.
 * - entry_points.txt is read by importlib.metadata (Python 3.11+) or pkg_resources; every
 *   `console_scripts`/`gui_scripts` entry becomes a script, and one without a callable
 *   (`name = module`) stops the install: "Invalid script entry point … A callable suffix is required".
 * - RECORD's digests are never compared to the members: pip installs whatever they say
 *   (the action does compare them: install/record.ts).
 */
/** The text of a dist-info file as pip decodes it: UTF-8, a byte-order mark kept; undefined when not UTF-8. */
export function decodeAsPip(bytes: Buffer): string | undefined {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

const HEADER = /^([!-9;-~]+):[ \t]*(.*?)[ \t]*$/;

/**
 * The Wheel-Version's major, when WHEEL is a plain header block (no folded lines, one
 * Wheel-Version made of digits and dots); why not, otherwise.
 */
export function wheelVersionProblem(text: string): string | undefined {
  const versions: string[] = [];
  for (const line of text.split(/\r\n|\n|\r/)) {
    if (line === "") break;
    const header = HEADER.exec(line);
    if (!header) return `its WHEEL file has a line pip reads in its own way: ${JSON.stringify(line.slice(0, 80))}`;
    if (header[1]!.toLowerCase() === "wheel-version") versions.push(header[2]!);
  }
  if (versions.length !== 1) return `its WHEEL file gives ${versions.length} Wheel-Version headers, not one`;
  const version = versions[0]!;
  if (!/^[0-9]+(\.[0-9]+)*$/.test(version) || Number(version.split(".")[0]) !== 1) {
    return `its WHEEL file gives Wheel-Version ${JSON.stringify(version)}, not 1.x`;
  }
  return undefined;
}

/** The groups pip turns into scripts: each entry must name a callable. */
const SCRIPT_GROUPS = new Set(["console_scripts", "gui_scripts"]);
/** pkg_resources' grammar of one entry (it refuses anything else, in any group). */
const ENTRY = /^(.+?)\s*=\s*([\w.]+)\s*(?::\s*([\w.]+))?\s*(\[[^\]]*\])?$/;
/** a script's file name: no separator, no leading dot, nothing distlib reads as a path */
const SCRIPT_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.+-]*$/;
/** distlib's callable: `module.path:attr.path` */
const CALLABLE = /^\w+(\.\w+)*$/;

/**
 * Why pip might read entry_points.txt otherwise than as a list of well-formed entries, or
 * stop at one (a script without a callable): undefined when every line is a comment, a
 * `[group]` or an entry pkg_resources and importlib.metadata both parse alike, and every
 * script entry names a safe file and a callable.
 */
export function entryPointsProblem(text: string): string | undefined {
  let group: string | undefined;
  const seen = new Set<string>();
  const groups = new Set<string>();
  for (const raw of text.split(/\r\n|\n|\r/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const section = /^\[([A-Za-z0-9_.-]+)\]$/.exec(line);
    if (section) {
      group = section[1]!;
      // pkg_resources (pip's metadata backend on Python 3.9 and 3.10) stops at "Duplicate group name"
      if (groups.has(group)) return `its entry_points.txt gives [${group}] twice`;
      groups.add(group);
      continue;
    }
    const entry = ENTRY.exec(line);
    if (group === undefined || !entry)
      return `its entry_points.txt has a line pip reads in its own way: ${JSON.stringify(line.slice(0, 80))}`;
    const [, name = "", module = "", attr, extras] = entry;
    if (seen.has(`${group}\n${name}`)) return `its entry_points.txt gives ${JSON.stringify(name)} twice in [${group}]`;
    seen.add(`${group}\n${name}`);
    if (!SCRIPT_GROUPS.has(group)) continue;
    // distlib, which writes pip's scripts, reads "module : attr" as "module" with no callable
    const spaced = /\s:|:\s/.test(line);
    if (attr === undefined || spaced || !CALLABLE.test(module) || !CALLABLE.test(attr) || extras !== undefined) {
      return `its [${group}] entry ${JSON.stringify(line.slice(0, 80))} is not "name = module:callable" (pip stops at a script without a callable: "Invalid script entry point")`;
    }
    if (!SCRIPT_NAME.test(name))
      return `its [${group}] entry ${JSON.stringify(name.slice(0, 80))} is not a plain script name`;
  }
  return undefined;
}

/** Why pip may read this dist-info file otherwise than the unpacking here does (undefined text: not UTF-8). */
export function distInfoTextProblem(file: "WHEEL" | "entry_points.txt", text: string | undefined): string | undefined {
  if (text === undefined) return `its ${file} is not UTF-8`;
  return file === "WHEEL" ? wheelVersionProblem(text) : entryPointsProblem(text);
}
