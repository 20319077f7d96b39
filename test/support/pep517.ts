/**
 * Sources for build-from-source tests: a PEP 517 backend made here (`lpp-backend`, served as a
 * wheel from the local index, so pip's build isolation installs it binary-only), source
 * distributions it builds, and git repositories served over file://.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { type BuiltWheel, makeWheel } from "../../devtools/pypi/wheel.ts";

/**
 * The backend: reads lppbuild.json (name, version, files, optional C `ext`, optional `fail`),
 * appends "name version" to $LPP_BUILD_LOG when it runs, and writes `<dist>_build.py` with the
 * time it was built (SOURCE_DATE_EPOCH when set) and which deploy variables it could see.
 */
const BACKEND = `
import base64, hashlib, json, os, platform, subprocess, sys, sysconfig, time, zipfile

def _cfg():
    with open("lppbuild.json") as f:
        return json.load(f)

def get_requires_for_build_wheel(config_settings=None):
    return []

def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    cfg = _cfg()
    name, version = cfg["name"], cfg["version"]
    if cfg.get("version_from_git"):
        # as setuptools-scm does: the tag on the commit, or a dev version without one
        described = subprocess.run(["git", "describe", "--tags", "--exact-match"], capture_output=True, text=True)
        version = described.stdout.strip() or "0.0.dev0"
    if os.environ.get("LPP_BUILD_LOG"):
        with open(os.environ["LPP_BUILD_LOG"], "a") as log:
            log.write(name + " " + version + "\\n")
    if cfg.get("fail"):
        for line in cfg["fail"]:
            print(line.replace("{index}", os.environ.get("PIP_INDEX_URL", "")))
        sys.exit(3)
    dist = name.replace("-", "_")
    files = {p: open(p, "rb").read() for p in cfg["files"]}
    seen = sorted(k for k in os.environ if k.startswith(("AWS_", "ACTIONS_", "INPUT_")) or k == "GITHUB_TOKEN")
    built_at = int(os.environ.get("SOURCE_DATE_EPOCH") or time.time())
    files[dist + "_build.py"] = ("BUILT_AT = %d\\nSEEN = %r\\n" % (built_at, seen)).encode()
    tag = "py3-none-any"
    if cfg.get("ext"):
        out = cfg["module"] + sysconfig.get_config_var("EXT_SUFFIX")
        subprocess.check_call(["gcc", "-shared", "-fPIC", "-O1", "-I" + sysconfig.get_paths()["include"], cfg["ext"], "-o", out])
        files[out] = open(out, "rb").read()
        py = "cp%d%d" % sys.version_info[:2]
        tag = "%s-%s-linux_%s" % (py, py, platform.machine())
    info = "%s-%s.dist-info" % (dist, version)
    files[info + "/METADATA"] = ("Metadata-Version: 2.1\\nName: %s\\nVersion: %s\\n" % (name, version)).encode()
    files[info + "/WHEEL"] = ("Wheel-Version: 1.0\\nGenerator: lpp-backend\\nRoot-Is-Purelib: %s\\nTag: %s\\n" % (str(tag.endswith("any")).lower(), tag)).encode()
    record = []
    for p, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append("%s,sha256=%s,%d" % (p, digest, len(data)))
    record.append(info + "/RECORD,,")
    files[info + "/RECORD"] = ("\\n".join(record) + "\\n").encode()
    filename = "%s-%s-%s.whl" % (dist, version, tag)
    with zipfile.ZipFile(os.path.join(wheel_directory, filename), "w", zipfile.ZIP_DEFLATED) as z:
        for p, data in files.items():
            z.writestr(zipfile.ZipInfo(p, time.localtime()[:6]), data)
    return filename
`;

export async function makeBackendWheel(indexDir: string): Promise<BuiltWheel> {
  return makeWheel(indexDir, { name: "lpp-backend", version: "1.0", files: { "lpp_backend.py": BACKEND } });
}

export interface SourceSpec {
  name: string;
  version: string;
  /** path → content, the package's files */
  files: Record<string, string>;
  /** a C file among `files` compiled into the extension module `module` */
  ext?: { source: string; module: string };
  /** lines the backend prints before it fails */
  fail?: string[];
  /** build requirements besides the backend */
  requires?: string[];
  /** git sources: the version is read from the tag on the commit (`git describe`), as setuptools-scm does */
  versionFromGit?: boolean;
}

async function writeSource(dir: string, spec: SourceSpec): Promise<void> {
  const config = {
    name: spec.name,
    version: spec.version,
    files: Object.keys(spec.files).filter((f) => f !== spec.ext?.source),
    ...(spec.ext ? { ext: spec.ext.source, module: spec.ext.module } : {}),
    ...(spec.fail ? { fail: spec.fail } : {}),
    ...(spec.versionFromGit ? { version_from_git: true } : {}),
  };
  const all = {
    ...spec.files,
    "lppbuild.json": JSON.stringify(config),
    "pyproject.toml": `[build-system]\nrequires = ${JSON.stringify(["lpp-backend", ...(spec.requires ?? [])])}\nbuild-backend = "lpp_backend"\n`,
  };
  for (const [name, content] of Object.entries(all)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), content);
  }
}

/** `<name>-<version>.tar.gz` in `outDir` (a top folder, as sdists have); returns its file and sha256. */
export async function makeSourceDist(outDir: string, spec: SourceSpec): Promise<{ file: string; sha256: string }> {
  const top = `${spec.name.replace(/-/g, "_")}-${spec.version}`;
  const staging = path.join(outDir, "..", `staging-${top}`);
  await rm(staging, { recursive: true, force: true });
  await writeSource(path.join(staging, top), spec);
  await mkdir(outDir, { recursive: true });
  const file = path.join(outDir, `${top}.tar.gz`);
  execFileSync("tar", ["-czf", file, "-C", staging, top]);
  await rm(staging, { recursive: true, force: true });
  return {
    file,
    sha256: createHash("sha256")
      .update(await readFile(file))
      .digest("hex"),
  };
}

/** A git repository with the source committed (tagged with its version when it reads it from git), and a second commit after it; returns its file:// URL and both commits. */
export async function makeGitSource(
  dir: string,
  spec: SourceSpec,
): Promise<{ url: string; first: string; second: string }> {
  await writeSource(dir, spec);
  const git = (...args: string[]) =>
    execFileSync("git", ["-C", dir, "-c", "user.name=t", "-c", "user.email=t@example.com", ...args])
      .toString()
      .trim();
  git("init", "-q");
  git("add", "-A");
  git("commit", "-qm", "first");
  const first = git("rev-parse", "HEAD");
  if (spec.versionFromGit) git("tag", spec.version);
  await writeFile(path.join(dir, "CHANGES"), "second\n");
  git("add", "-A");
  git("commit", "-qm", "second");
  return { url: `file://${dir}`, first, second: git("rev-parse", "HEAD") };
}
