/** pip and uv behind one interface: the same pinned set, the same target, the same tree. */
import { UserError } from "../errors.ts";
import { pipDownload, pipInstall } from "./pip.ts";
import { runProcess } from "./process.ts";
import { findPython } from "./python.ts";
import type { InstallRequest } from "./types.ts";
import { uvInstall } from "./uv.ts";

export const INSTALLER_CHOICES = ["auto", "pip", "uv"] as const;
export type InstallerChoice = (typeof INSTALLER_CHOICES)[number];

export interface Installer {
  name: "pip" | "uv";
  version: string;
  /** for the log and the report */
  label: string;
  /** the prefix of the Python that runs pip (its venv's pip.conf applies) */
  prefix?: string;
  /** returns normalized name → the wheel file chosen, for the distributions the installer said (may be none) */
  install(request: Omit<InstallRequest, "python">): Promise<Record<string, string>>;
  /** pip only (uv has no download-only mode): the chosen wheels into request.directory, hash-checked */
  download?(
    request: Omit<InstallRequest, "python">,
  ): Promise<{ wheels: string[]; chosenWheels: Record<string, string> }>;
}

async function uvVersion(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  try {
    const r = await runProcess("uv", ["--version"], { env });
    return r.code === 0 ? (/uv (\S+)/.exec(r.output)?.[1] ?? "unknown") : undefined;
  } catch {
    return undefined;
  }
}

/** `auto`: uv when it is on PATH, else pip. */
export async function chooseInstaller(
  choice: InstallerChoice,
  python: string | undefined,
  env: NodeJS.ProcessEnv,
): Promise<Installer> {
  if (choice !== "pip") {
    const version = await uvVersion(env);
    if (version) {
      return {
        name: "uv",
        version,
        label: `uv ${version}`,
        install: async (request) => {
          await uvInstall({ ...request, uv: "uv", python: python ?? "" });
          return {};
        },
      };
    }
    if (choice === "uv") {
      throw new UserError("installer is uv, but no uv is on PATH", {
        hint: "add astral-sh/setup-uv before this step, or set `installer: pip`",
      });
    }
  }
  const host = await findPython(python, env);
  return {
    name: "pip",
    version: host.pipVersion,
    label: `pip ${host.pipVersion} (${host.command}, Python ${host.version})`,
    prefix: host.prefix,
    install: (request) => pipInstall({ ...request, python: host.command, pipVersion: host.pipVersion }),
    download: (request) => pipDownload({ ...request, python: host.command }),
  };
}
