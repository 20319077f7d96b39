/**
 * The distributions the corpus's local index serves: one good wheel, wheels that fit
 * no Lambda target, hostile wheels assembled by hand (zip-slip entries, absolute
 * paths, symlink entries, setuid bits, a bad CRC, a cut-short file, a .so for the
 * wrong machine, hundreds of MB of zeros) and a package that has only an sdist.
 */
import { makeSdist, makeWheel } from "../../devtools/pypi/wheel.ts";
import { glibcAtMost, pickElf, withMachine } from "../support/elf.ts";
import { makeRawWheel } from "../support/rawzip.ts";

export interface CorpusWheel {
  /** the distribution's name and version, as pinned */
  name: string;
  version: string;
  filename: string;
  path: string;
  sha256: string;
}

/** Built once per run; keys are what cases pin. */
export type WheelKey =
  | "tinylib"
  | "py311only"
  | "pypyonly"
  | "armonly"
  | "newglibc"
  | "newglibcOld"
  | "muslonly"
  | "linuxonly"
  | "mislabeled"
  | "slip"
  | "absolute"
  | "recordslip"
  | "symlinkout"
  | "setuid"
  | "badcrc"
  | "truncated"
  | "enormous"
  | "shadowapp"
  | "needsold"
  | "debugabi";

/** Each over half the limit: together over 262,144,000 bytes unzipped, a few hundred KB on disk. */
const ENORMOUS_PART = 132 * 1024 * 1024;

export async function buildCorpusWheels(dir: string): Promise<Record<WheelKey, CorpusWheel>> {
  const plain = async (key: WheelKey, name: string, version: string, tag: string, files: Record<string, string>) => {
    const w = await makeWheel(dir, { name, version, tag, files });
    return [key, { name, version, ...w }] as const;
  };
  const raw = async (key: WheelKey, spec: Parameters<typeof makeRawWheel>[1]) => {
    const w = await makeRawWheel(dir, spec);
    return [key, { name: spec.name, version: spec.version, ...w }] as const;
  };
  const so = await pickElf("with a glibc requirement of at most 2.17", glibcAtMost("2.17"));
  const zeros = Buffer.alloc(ENORMOUS_PART);
  const entries = await Promise.all([
    plain("tinylib", "tinylib", "1.0", "py3-none-any", { "tinylib/__init__.py": "V = 1\n" }),
    plain("py311only", "py311only", "1.0", "cp311-cp311-manylinux2014_x86_64", { "py311only/__init__.py": "" }),
    plain("pypyonly", "pypyonly", "1.0", "pp310-pypy310_pp73-manylinux2014_x86_64", { "pypyonly/__init__.py": "" }),
    plain("armonly", "armonly", "1.0", "cp312-cp312-manylinux2014_aarch64", { "armonly/__init__.py": "" }),
    plain("newglibc", "newglibc", "3.0", "cp311-cp311-manylinux_2_28_x86_64", { "newglibc/__init__.py": "" }),
    plain("newglibcOld", "newglibc", "2.0", "cp311-cp311-manylinux2014_x86_64", { "newglibc/__init__.py": "" }),
    plain("muslonly", "muslonly", "1.0", "cp312-cp312-musllinux_1_2_x86_64", { "muslonly/__init__.py": "" }),
    plain("linuxonly", "linuxonly", "1.0", "cp312-cp312-linux_x86_64", { "linuxonly/__init__.py": "" }),
    plain("debugabi", "debugabi", "1.0", "cp312-cp312d-manylinux2014_x86_64", { "debugabi/__init__.py": "" }),
    plain("shadowapp", "shadowapp", "1.0", "py3-none-any", { "app.py": "SHADOW = True\n" }),
    (async () => {
      const w = await makeWheel(dir, {
        name: "needsold",
        version: "1.0",
        requires: ["tinylib<1.0"],
        files: { "needsold/__init__.py": "" },
      });
      return ["needsold", { name: "needsold", version: "1.0", ...w }] as const;
    })(),
    raw("mislabeled", {
      name: "mislabeled",
      version: "1.0",
      tag: "cp312-cp312-manylinux2014_x86_64",
      entries: [
        { name: "mislabeled/__init__.py", data: "from . import _speedups\n" },
        // tags say x86_64; the machine field says aarch64 (183)
        {
          name: "mislabeled/_speedups.cpython-312-x86_64-linux-gnu.so",
          data: withMachine(so.path, 183),
          mode: 0o100755,
        },
      ],
    }),
    raw("slip", {
      name: "slip",
      version: "1.0",
      entries: [
        { name: "slip/__init__.py", data: "" },
        { name: "../../../../tmp/lpp-zip-slip.py", data: "print('escaped')\n" },
      ],
    }),
    raw("absolute", {
      name: "absolutepath",
      version: "1.0",
      entries: [
        { name: "absolutepath/__init__.py", data: "" },
        { name: "/tmp/lpp-absolute-path.py", data: "print('escaped')\n" },
      ],
    }),
    raw("recordslip", {
      name: "recordslip",
      version: "1.0",
      entries: [{ name: "recordslip/__init__.py", data: "" }],
      extraRecord: ["../../../etc/cron.d/recordslip,sha256=AAAA,5", "/etc/profile.d/recordslip.sh,,"],
    }),
    raw("symlinkout", {
      name: "symlinkout",
      version: "1.0",
      entries: [
        { name: "symlinkout/__init__.py", data: "" },
        { name: "symlinkout/secrets", data: "../../../../../../etc/passwd", mode: 0o120777 },
      ],
    }),
    raw("setuid", {
      name: "setuidwheel",
      version: "1.0",
      entries: [
        { name: "setuidwheel/__init__.py", data: "" },
        { name: "setuidwheel/helper", data: "#!/bin/sh\nid\n", mode: 0o104755 },
        { name: "setuidwheel/shared.txt", data: "anyone may write me\n", mode: 0o100666 },
      ],
    }),
    raw("badcrc", {
      name: "badcrc",
      version: "1.0",
      entries: [{ name: "badcrc/__init__.py", data: "X = 1\n", crc: 0x1234567 }],
    }),
    raw("truncated", {
      name: "truncated",
      version: "1.0",
      entries: [{ name: "truncated/__init__.py", data: "X = 1\n".repeat(200), deflate: true }],
      truncateTo: 120,
    }),
    raw("enormous", {
      name: "enormous",
      version: "1.0",
      entries: [
        { name: "enormous/__init__.py", data: "" },
        { name: "enormous/model-a.bin", data: zeros, deflate: true },
        { name: "enormous/model-b.bin", data: zeros, deflate: true },
      ],
    }),
  ]);
  await makeSdist(dir, "sdistonly", "0.5");
  return Object.fromEntries(entries) as Record<WheelKey, CorpusWheel>;
}
