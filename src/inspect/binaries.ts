/**
 * Binaries: every ELF file in the tree must be a 64-bit little-endian object for the
 * target machine, and the highest GLIBC_x.y it requires must be within the runtime's
 * glibc. One finding per distribution and problem, naming the worst file and counting
 * the others (numpy has dozens of extension modules; one message says it all).
 */
import type { InstalledDistribution } from "../install/types.ts";
import { glibcString, type Target } from "../target.ts";
import { compareVersions, type ElfHeader, EM_AARCH64, EM_X86_64, machineName } from "./elf.ts";
import type { ScannedFile } from "./scan.ts";
import type { Finding } from "./types.ts";
import { listSome } from "./util.ts";

export function expectedMachine(target: Target): number {
  return target.machine === "aarch64" ? EM_AARCH64 : EM_X86_64;
}

export function describeElfHeader(h: ElfHeader): string {
  return `a ${h.elfClass}-bit ${h.littleEndian ? "little" : "big"}-endian ELF for ${machineName(h.machine)} (e_machine ${h.machine})`;
}

interface Offender {
  path: string;
  detail: string;
  /** for ordering: the glibc version required */
  glibc?: string;
}

export function checkBinaries(
  scanned: ScannedFile[],
  distributions: InstalledDistribution[],
  target: Target,
): Finding[] {
  const byName = new Map(distributions.map((d) => [d.name, d]));
  const machine = expectedMachine(target);
  const ceiling = glibcString(target);
  const wrongMachine = new Map<string | undefined, Offender[]>();
  const tooNew = new Map<string | undefined, Offender[]>();
  const unreadable: Finding[] = [];
  const push = (map: Map<string | undefined, Offender[]>, dist: string | undefined, o: Offender) => {
    const list = map.get(dist) ?? [];
    list.push(o);
    map.set(dist, list);
  };

  for (const { file, elf } of scanned) {
    if (!elf) continue;
    const dist = file.distribution;
    const h = elf.header;
    if (!h) {
      unreadable.push(unreadableFinding(file.path, dist, byName.get(dist ?? ""), elf.problem ?? "unreadable header"));
      continue;
    }
    if (h.machine !== machine || h.elfClass !== 64 || !h.littleEndian) {
      push(wrongMachine, dist, { path: file.path, detail: describeElfHeader(h) });
      continue;
    }
    if (elf.glibc !== undefined && compareVersions(elf.glibc, ceiling) > 0) {
      push(tooNew, dist, { path: file.path, detail: `GLIBC_${elf.glibc}`, glibc: elf.glibc });
    } else if (elf.problem) {
      unreadable.push(unreadableFinding(file.path, dist, byName.get(dist ?? ""), elf.problem));
    }
  }

  const findings: Finding[] = [];
  const owner = (dist: string | undefined) => {
    const d = dist === undefined ? undefined : byName.get(dist);
    return d ? `${d.name} ${d.version}` : dist ? dist : "no distribution (not listed in any RECORD)";
  };
  const on = `${target.runtime} ${target.architecture}`;

  for (const [dist, list] of sorted(wrongMachine)) {
    list.sort((a, b) => a.path.localeCompare(b.path));
    const [first, ...rest] = list as [Offender, ...Offender[]];
    const more = rest.length
      ? `; ${rest.length} more ELF file${rest.length > 1 ? "s" : ""} in it ${rest.length > 1 ? "are" : "is"} not for ${target.machine} either: ${listSome(rest.map((o) => o.path))}`
      : "";
    findings.push({
      severity: "error",
      check: "elf-machine",
      distribution: dist,
      path: first.path,
      message: `${first.path} in ${owner(dist)} is ${first.detail}; ${on} runs 64-bit little-endian ${target.machine} (e_machine ${machine})${more}`,
      hint:
        `loading it fails with "invalid ELF header" or "wrong ELF class": reinstall for ${target.machine} ` +
        `(the installer must be given the target platform, not the runner's)`,
    });
  }

  for (const [dist, list] of sorted(tooNew)) {
    list.sort((a, b) => compareVersions(b.glibc ?? "0", a.glibc ?? "0") || a.path.localeCompare(b.path));
    const [first, ...rest] = list as [Offender, ...Offender[]];
    const more = rest.length
      ? `; ${rest.length} more shared object${rest.length > 1 ? "s" : ""} in it need${rest.length > 1 ? "" : "s"} more than glibc ${ceiling}: ${listSome(rest.map((o) => `${o.path} (${o.detail})`))}`
      : "";
    findings.push({
      severity: "error",
      check: "elf-glibc",
      distribution: dist,
      path: first.path,
      message: `${first.path} in ${owner(dist)} requires ${first.detail}; ${target.runtime} on ${target.os} has glibc ${ceiling}${more}`,
      hint: glibcHint(dist, target),
    });
  }
  return [...findings, ...unreadable];
}

function glibcHint(dist: string | undefined, target: Target): string {
  const ceiling = glibcString(target);
  const what = dist ? `pin ${dist} to an older version` : "use a build";
  const tag = `manylinux_${ceiling.replace(".", "_")}`;
  if (target.glibcCeiling[1] < 34) {
    return `${what} whose wheels are ${tag} or older (manylinux2014), or use python3.12 or newer (Amazon Linux 2023, glibc 2.34)`;
  }
  return `${what} whose wheels are ${tag} or older: no Lambda Python runtime has a newer glibc (a container image would)`;
}

function unreadableFinding(
  path: string,
  dist: string | undefined,
  d: InstalledDistribution | undefined,
  problem: string,
): Finding {
  return {
    severity: "warning",
    check: "elf-unreadable",
    distribution: dist,
    path,
    message: `${path}${d ? ` in ${d.name} ${d.version}` : ""} starts like an ELF file but could not be checked: ${problem}`,
    hint: "if Python loads this file it will fail; a truncated or corrupt download is the usual cause",
  };
}

function sorted<V>(map: Map<string | undefined, V>): [string | undefined, V][] {
  return [...map].sort(([a], [b]) => (a ?? "~").localeCompare(b ?? "~"));
}
