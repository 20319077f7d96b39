/**
 * The bad-input corpus: each case is a Lambda project, its inputs and what the
 * local AWS holds, and the error a user must get: what is wrong (message), where (file,
 * line, distribution) and what to do (hint). test/corpus.e2e.test.ts runs every case through
 * the real pipeline (`runAction`: inputs, lockfile, pip against a local index, inspection,
 * zips, deploy against the local AWS) and checks that it fails with a UserError, says
 * those three things, and that no write call reached AWS.
 *
 * A few cases are inputs the action accepts by design (several lockfiles, a wheel whose
 * symlink or setuid bit pip turns into an ordinary file): for them the case says what
 * the documented behaviour is, and the runner checks it.
 */
import type { FunctionSpec } from "../../devtools/local-aws/index.ts";
import type { CorpusWheel, WheelKey } from "./wheels.ts";

export interface CorpusContext {
  wheels: Record<WheelKey, CorpusWheel>;
  indexUrl: string;
  /** the function name a deploy case uses (unique per case) */
  fn: string;
}

/**
 * A project file: its content, a symlink, a FIFO, a sparse file of that many bytes, or content
 * under the name encoded as Latin-1 (so "café.py" is written as bytes that are not UTF-8).
 */
export type ProjectFile =
  | string
  | Buffer
  | { symlink: string }
  | { fifo: true }
  | { sparse: number }
  | { latin1Name: true; content: string };

/** What the user must be told. Every field given must match the error (or error annotation) that carries `message`. */
export interface ErrorExpectation {
  outcome?: "error";
  /** the stage that must catch it: decides whether the detail is in the thrown error or in an error annotation */
  stage: "inputs" | "lockfile" | "install" | "source" | "inspect" | "deploy";
  message: RegExp;
  file?: string;
  line?: number;
  distribution?: string;
  hint?: RegExp;
  /** the message of the error the run throws, when it is not the one above (inspection: one error for all findings) */
  thrown?: RegExp;
  /** further errors the same run must report (all input errors come at once) */
  alsoReported?: RegExp[];
}

/** An input the action accepts by design: what it does instead. */
export interface AcceptedExpectation {
  outcome: "ok";
  /** a log line that says what was done */
  log?: RegExp;
  /** entries the function zip must hold (name → mode and content) */
  zipEntries?: Record<string, { mode: number; content?: string | RegExp }>;
  /** entry names the function zip must not hold */
  zipLacks?: RegExp;
}

export interface CorpusCase {
  id: string;
  description: string;
  /** project files; default: a handler (app.py) and an empty requirements.txt */
  files?: (c: CorpusContext) => Record<string, ProjectFile>;
  /** inputs on top of { runtime: python3.12, cache: false, working-directory, python } */
  inputs?: (c: CorpusContext) => Record<string, string>;
  /** what the local AWS holds before the run */
  aws?: (c: CorpusContext) => { functions?: FunctionSpec[]; buckets?: { name: string; region: string }[] };
  /** the function this case deploys to starts with this many other layers attached */
  layers?: number;
  /** the AWS credentials the SDK finds (default: valid ones) */
  credentials?: "valid" | "missing" | "wrong-secret" | "unknown-key";
  /** AWS_REGION is set for every case unless this is false */
  regionEnv?: boolean;
  expect: ErrorExpectation | AcceptedExpectation;
}

export const REGION = "eu-central-1";
export const HANDLER = "def handler(event, context):\n    return {'ok': True}\n";

const pin = (w: CorpusWheel) => `${w.name}==${w.version} --hash=sha256:${w.sha256}`;
const withRequirements =
  (...lines: ((c: CorpusContext) => string)[]) =>
  (c: CorpusContext) => ({
    "app.py": HANDLER,
    "requirements.txt": `# pinned by pip-compile\n${lines.map((l) => l(c)).join("\n")}\n`,
  });
const pinOf = (key: WheelKey) => (c: CorpusContext) => pin(c.wheels[key]);
const line = (text: string) => () => text;
const deployTo =
  (extra: Record<string, string> = {}) =>
  (c: CorpusContext) => ({ "function-name": c.fn, ...extra });
const zipFunction = (c: CorpusContext, extra: Partial<FunctionSpec> = {}): FunctionSpec => ({
  name: c.fn,
  region: REGION,
  runtime: "python3.12",
  architecture: "x86_64",
  ...extra,
});

const VALID_RUNTIMES = /valid values: python3\.9, python3\.10, python3\.11, python3\.12, python3\.13, python3\.14/;
const RUNTIME_HINT = /set `runtime` to the function's Lambda runtime, e\.g\. `runtime: python3\.12`/;

const UV_LOCK_HEAD = `version = 1
revision = 3
requires-python = ">=3.12"
`;
const PYPROJECT = `[project]
name = "orders"
version = "0.1.0"
requires-python = ">=3.12"
dependencies = []
`;

export const CASES: CorpusCase[] = [
  // ---------------------------------------------------------------- inputs
  {
    id: "runtime-unknown",
    description: "a runtime Lambda does not offer (python3.8 is retired)",
    inputs: () => ({ runtime: "python3.8" }),
    expect: { stage: "inputs", message: /input runtime is "python3\.8"/, hint: RUNTIME_HINT },
  },
  {
    id: "runtime-missing",
    description: "no runtime at all",
    inputs: () => ({ runtime: "" }),
    expect: {
      stage: "inputs",
      message: new RegExp(`input runtime is required; ${VALID_RUNTIMES.source}`),
      hint: RUNTIME_HINT,
    },
  },
  {
    id: "runtime-not-python",
    description: "a runtime of another language",
    inputs: () => ({ runtime: "nodejs22.x" }),
    expect: {
      stage: "inputs",
      message: new RegExp(`input runtime is "nodejs22\\.x"; ${VALID_RUNTIMES.source}`),
      hint: RUNTIME_HINT,
    },
  },
  {
    id: "architecture-unknown",
    description: "the Linux name of the architecture instead of Lambda's",
    inputs: () => ({ architecture: "aarch64" }),
    expect: {
      stage: "inputs",
      message: /input architecture is "aarch64"; valid values: x86_64, arm64/,
      hint: /Lambda calls 64-bit ARM \(Graviton\) `arm64`: set `architecture: arm64`/,
    },
  },
  {
    id: "package-mode-invalid",
    description: "a package mode that does not exist",
    inputs: () => ({ package: "both" }),
    expect: {
      stage: "inputs",
      message: /input package is "both"/,
      hint: /set `package` to one of: function, layer, split/,
    },
  },
  {
    id: "s3-upload-invalid",
    description: "an s3-upload value that does not exist",
    inputs: deployTo({ "s3-upload": "sometimes" }),
    expect: {
      stage: "inputs",
      message: /input s3-upload is "sometimes"/,
      hint: /set `s3-upload` to one of: auto, always, never/,
    },
  },
  {
    id: "boolean-invalid",
    description: "a boolean input that is neither true nor false",
    inputs: () => ({ cache: "maybe" }),
    expect: {
      stage: "inputs",
      message: /input cache must be true or false, got "maybe"/,
      hint: /set `cache` to true or false/,
    },
  },
  {
    id: "installer-invalid",
    description: "an installer the action does not drive",
    inputs: () => ({ installer: "poetry" }),
    expect: {
      stage: "inputs",
      message: /input installer is "poetry"/,
      hint: /set `installer` to one of: auto, pip, uv/,
    },
  },
  {
    id: "function-name-invalid",
    description: "a function name with a space",
    inputs: () => ({ "function-name": "orders api" }),
    expect: {
      stage: "inputs",
      message: /input function-name "orders api" is not a Lambda function name or ARN/,
      hint: /use the function's name as Lambda shows it/,
    },
  },
  {
    id: "layer-name-invalid",
    description: "a layer name with a slash",
    inputs: () => ({ package: "split", "layer-name": "deps/v1" }),
    expect: {
      stage: "inputs",
      message: /input layer-name "deps\/v1" is not a valid layer name/,
      hint: /use the layer's name \(e\.g\. orders-deps\) or its ARN without a version number/,
    },
  },
  {
    id: "alias-invalid",
    description: "an alias made only of digits (Lambda reserves those for versions)",
    inputs: deployTo({ alias: "42" }),
    expect: {
      stage: "inputs",
      message: /input alias "42" is not a valid alias name[\s\S]*not only digits/,
      hint: /a number names a version, not an alias/,
    },
  },
  {
    id: "alias-without-function",
    description: "an alias but no function to point it at",
    inputs: () => ({ package: "layer", "layer-name": "deps", alias: "live" }),
    expect: {
      stage: "inputs",
      message: /input alias needs function-name/,
      hint: /set `function-name`, or remove `alias`/,
    },
  },
  {
    id: "function-name-with-layer-package",
    description: "a function to deploy, but package: layer builds no function zip",
    inputs: deployTo({ package: "layer" }),
    expect: {
      stage: "inputs",
      message: /function-name is set but package is layer/,
      hint: /use package: function or split/,
    },
  },
  {
    id: "layer-name-with-function-package",
    description: "a layer to publish, but package: function builds no layer zip",
    inputs: () => ({ "layer-name": "deps" }),
    expect: {
      stage: "inputs",
      message: /layer-name is set but package is function/,
      hint: /use package: layer or split/,
    },
  },
  {
    id: "region-missing",
    description: "a deploy with no region input and no AWS_REGION",
    regionEnv: false,
    inputs: deployTo(),
    expect: {
      stage: "inputs",
      message: /no AWS region: set the region input, or AWS_REGION/,
      hint: /set `region` to the function's region/,
    },
  },
  {
    id: "region-invalid",
    description: "a city instead of a region name",
    inputs: deployTo({ region: "Frankfurt" }),
    expect: {
      stage: "inputs",
      message: /region "Frankfurt" is not an AWS region name such as eu-west-1/,
      hint: /use the region's code/,
    },
  },
  {
    id: "s3-always-without-bucket",
    description: "s3-upload: always with no bucket to upload to",
    inputs: deployTo({ "s3-upload": "always" }),
    expect: { stage: "inputs", message: /s3-upload is "always" but no s3-bucket is set/, hint: /set `s3-bucket`/ },
  },
  {
    id: "several-input-errors",
    description: "two wrong inputs are reported together, not one per run",
    inputs: () => ({ runtime: "python2.7", architecture: "amd64" }),
    expect: {
      stage: "inputs",
      message: /input architecture is "amd64"/,
      hint: /Lambda calls 64-bit Intel\/AMD `x86_64`: set `architecture: x86_64`/,
      alsoReported: [/input runtime is "python2\.7"/],
    },
  },

  // ---------------------------------------------------------------- lockfile
  {
    id: "lockfile-missing",
    description: "a split project without any lockfile: the layer would hold nothing",
    files: () => ({ "app.py": HANDLER }),
    inputs: () => ({ package: "split" }),
    expect: {
      stage: "lockfile",
      message:
        /no lockfile found in .* \(looked for uv\.lock, poetry\.lock, Pipfile\.lock, pylock\.toml, pylock\.\*\.toml, requirements\.txt\); package: split needs one/,
      hint: /set `lockfile`.*`package: function`/,
    },
  },
  {
    id: "lockfile-input-missing",
    description: "the lockfile input names a file that is not there",
    inputs: () => ({ lockfile: "requirements/prod.txt" }),
    expect: {
      stage: "lockfile",
      message: /lockfile requirements\/prod\.txt does not exist/,
      file: "requirements/prod.txt",
      hint: /relative to `working-directory`/,
    },
  },
  {
    id: "lockfiles-several",
    description:
      "Pipfile.lock and requirements.txt both present, none chosen: the first in the documented order is used, and the log says so",
    files: () => ({
      "app.py": HANDLER,
      "Pipfile.lock": JSON.stringify({ _meta: { "pipfile-spec": 6, sources: [] }, default: {}, develop: {} }),
      // would fail if it were read
      "requirements.txt": "tinylib>=1.0\n",
    }),
    expect: {
      outcome: "ok",
      log: /^Lockfile: Pipfile\.lock \(also present, not used: requirements\.txt; set `lockfile` to choose\)$/,
    },
  },
  {
    id: "requirements-malformed",
    description: "a requirements line that is not a requirement",
    files: withRequirements(pinOf("tinylib"), line("[security]==2.0")),
    expect: {
      stage: "lockfile",
      message: /cannot read requirement "\[security\]==2\.0"/,
      file: "requirements.txt",
      line: 3,
      hint: /pin every requirement exactly/,
    },
  },
  {
    id: "requirements-unknown-option",
    description: "an option pip does not have",
    files: withRequirements(line("--frobnicate yes"), pinOf("tinylib")),
    expect: {
      stage: "lockfile",
      message: /unsupported option --frobnicate/,
      file: "requirements.txt",
      line: 2,
      hint: /remove it; supported: -r/,
    },
  },
  {
    id: "uv-lock-malformed",
    description: "uv.lock that is not TOML",
    files: () => ({
      "app.py": HANDLER,
      "pyproject.toml": PYPROJECT,
      "uv.lock": `${UV_LOCK_HEAD}\n[[package]\nname = "orders"\n`,
    }),
    expect: { stage: "lockfile", message: /malformed TOML/, file: "uv.lock", line: 5, hint: /regenerate it/ },
  },
  {
    id: "uv-lock-version-unknown",
    description: "a uv.lock from a future uv",
    files: () => ({
      "app.py": HANDLER,
      "pyproject.toml": PYPROJECT,
      "uv.lock": `version = 2\nrevision = 1\nrequires-python = ">=3.12"\n`,
    }),
    expect: {
      stage: "lockfile",
      message: /unsupported uv\.lock version 2: this action reads uv\.lock version 1/,
      file: "uv.lock",
      line: 1,
      hint: /update this action, or lock with a uv release that writes version 1/,
    },
  },
  {
    id: "poetry-lock-malformed",
    description: "poetry.lock with an unterminated string",
    files: () => ({
      "app.py": HANDLER,
      "pyproject.toml": PYPROJECT,
      "poetry.lock": `[[package]]\nname = "tinylib\nversion = "1.0"\n`,
    }),
    expect: { stage: "lockfile", message: /malformed TOML/, file: "poetry.lock", line: 2, hint: /regenerate it/ },
  },
  {
    id: "poetry-lock-version-unknown",
    description: "a poetry.lock lock-version this action does not know",
    files: () => ({
      "app.py": HANDLER,
      "pyproject.toml": PYPROJECT,
      "poetry.lock": `package = []\n\n[metadata]\nlock-version = "3.0"\npython-versions = ">=3.12"\ncontent-hash = "00"\n`,
    }),
    expect: {
      stage: "lockfile",
      message: /unsupported poetry\.lock lock-version "3\.0"/,
      file: "poetry.lock",
      line: 4,
      hint: /\S/,
    },
  },
  {
    id: "pipfile-lock-malformed",
    description: "Pipfile.lock with a trailing comma",
    files: () => ({
      "app.py": HANDLER,
      "Pipfile.lock": `{\n    "_meta": {"pipfile-spec": 6},\n    "default": {},\n}\n`,
    }),
    expect: { stage: "lockfile", message: /malformed JSON/, file: "Pipfile.lock", line: 4, hint: /pipenv lock/ },
  },
  {
    id: "pipfile-spec-unknown",
    description: "a Pipfile.lock of another pipfile-spec",
    files: () => ({
      "app.py": HANDLER,
      "Pipfile.lock": `{\n    "_meta": {\n        "pipfile-spec": 7\n    },\n    "default": {}\n}\n`,
    }),
    expect: {
      stage: "lockfile",
      message: /unsupported Pipfile\.lock pipfile-spec 7/,
      file: "Pipfile.lock",
      line: 3,
      hint: /relock with a current pipenv/,
    },
  },
  {
    id: "pipfile-group-unknown",
    description: "a group that is not a section of Pipfile.lock",
    inputs: () => ({ groups: "docs" }),
    files: () => ({
      "app.py": HANDLER,
      "Pipfile.lock": JSON.stringify({ _meta: { "pipfile-spec": 6 }, default: {}, develop: {} }),
    }),
    expect: {
      stage: "lockfile",
      message: /group "docs" is not a section of Pipfile\.lock \(sections: develop\)/,
      file: "Pipfile.lock",
      hint: /remove it from `groups`/,
    },
  },
  {
    id: "pylock-malformed",
    description: "pylock.toml with a table that never closes",
    files: () => ({
      "app.py": HANDLER,
      "pylock.toml": `lock-version = "1.0"\ncreated-by = "pip"\n[[packages]\nname = "tinylib"\n`,
    }),
    expect: { stage: "lockfile", message: /malformed TOML/, file: "pylock.toml", line: 3, hint: /regenerate it/ },
  },
  {
    id: "pylock-version-unknown",
    description: "a pylock.toml of a future PEP 751 major version",
    files: () => ({ "app.py": HANDLER, "pylock.toml": `lock-version = "2.0"\ncreated-by = "pip"\n` }),
    expect: {
      stage: "lockfile",
      message: /unsupported pylock\.toml lock-version "2\.0"/,
      file: "pylock.toml",
      line: 1,
      hint: /PEP 751/,
    },
  },
  {
    id: "pylock-requires-python",
    description: "a lock made for Pythons that exclude the runtime",
    files: () => ({
      "app.py": HANDLER,
      "pylock.toml": `lock-version = "1.0"\ncreated-by = "pip"\nrequires-python = ">=3.13"\n`,
    }),
    expect: {
      stage: "lockfile",
      message: /pylock\.toml was locked for Python >=3\.13, which excludes the runtime python3\.12/,
      file: "pylock.toml",
      line: 3,
      hint: /choose a runtime inside that range/,
    },
  },
  {
    id: "unpinned",
    description: "a requirement with a range instead of a pin",
    files: withRequirements(line("tinylib>=1.0")),
    expect: {
      stage: "lockfile",
      message: /tinylib is not pinned to one version \(>=1\.0\)/,
      file: "requirements.txt",
      line: 2,
      distribution: "tinylib",
      hint: /pin every requirement exactly \(name==version\)/,
    },
  },
  {
    id: "unpinned-wildcard",
    description: "a wildcard pin is still a range",
    files: withRequirements(line("tinylib==1.*")),
    expect: {
      stage: "lockfile",
      message: /tinylib is not pinned to one version \(==1\.\*\)/,
      file: "requirements.txt",
      line: 2,
      distribution: "tinylib",
      hint: /pin every requirement exactly/,
    },
  },
  {
    id: "editable",
    description: "an editable requirement",
    files: withRequirements(line("-e ./libs/shared")),
    expect: {
      stage: "lockfile",
      message: /editable requirement "\.\/libs\/shared" cannot be packaged/,
      file: "requirements.txt",
      line: 2,
      hint: /put first-party code in `source`/,
    },
  },
  {
    id: "vcs",
    description: "a requirement from a git repository",
    files: withRequirements(line("git+https://github.com/example/shared.git@v1#egg=shared")),
    expect: {
      stage: "lockfile",
      message: /VCS requirement "git\+https:\/\/github\.com\/example\/shared\.git@v1#egg=shared" cannot be installed/,
      file: "requirements.txt",
      line: 2,
      hint: /publish a wheel of it to an index/,
    },
  },
  {
    id: "direct-url",
    description: "a requirement by URL instead of by version",
    files: withRequirements(line("tinylib @ https://files.example.com/tinylib-1.0-py3-none-any.whl")),
    expect: {
      stage: "lockfile",
      message:
        /direct reference "tinylib @ https:\/\/files\.example\.com\/tinylib-1\.0-py3-none-any\.whl" is not a pinned requirement/,
      file: "requirements.txt",
      line: 2,
      distribution: "tinylib",
      hint: /pin it as name==version/,
    },
  },
  {
    id: "no-binary",
    description: "--no-binary asks for a source build",
    files: withRequirements(line("--no-binary :all:"), pinOf("tinylib")),
    expect: {
      stage: "lockfile",
      message: /--no-binary :all: asks for a source build/,
      file: "requirements.txt",
      line: 2,
      hint: /remove --no-binary/,
    },
  },
  {
    id: "constraints",
    description: "a constraints file instead of pins",
    files: withRequirements(line("-c constraints.txt"), pinOf("tinylib")),
    expect: {
      stage: "lockfile",
      message: /constraints files \(-c\) are not supported/,
      file: "requirements.txt",
      line: 2,
      hint: /merge the constraints into exact pins/,
    },
  },
  {
    id: "hash-missing-for-one",
    description: "one requirement without the hash the others have",
    files: withRequirements(pinOf("tinylib"), line("armonly==1.0")),
    expect: {
      stage: "lockfile",
      message: /armonly==1\.0 has no --hash while other requirements do/,
      file: "requirements.txt",
      line: 3,
      distribution: "armonly",
      hint: /--generate-hashes/,
    },
  },
  {
    id: "pinned-twice",
    description: "the same package pinned to two versions",
    files: withRequirements(line("tinylib==1.0"), line("tinylib==2.0")),
    expect: {
      stage: "lockfile",
      message: /tinylib is pinned twice for python3\.12\/x86_64: ==1\.0 \(line 2\) and ==2\.0/,
      file: "requirements.txt",
      line: 3,
      distribution: "tinylib",
      hint: /keep one pin/,
    },
  },
  {
    id: "include-missing",
    description: "-r names a file that is not there",
    files: withRequirements(line("-r base.txt")),
    expect: {
      stage: "lockfile",
      message: /included requirements file base\.txt does not exist/,
      file: "requirements.txt",
      line: 2,
      hint: /relative to the file that includes it/,
    },
  },
  {
    id: "marker-invalid",
    description: "an environment marker that does not parse",
    files: withRequirements(line('tinylib==1.0 ; python_version >< "3.10"')),
    expect: {
      stage: "lockfile",
      message: /invalid marker/,
      file: "requirements.txt",
      line: 2,
      distribution: "tinylib",
      hint: /PEP 508/,
    },
  },
  // issue 19: lockfile text is data, never pip options; includes stay inside; readers are bounded
  {
    id: "uv-lock-version-injection",
    description: "a uv.lock version that holds newlines and pip options (--find-links, --no-index)",
    files: () => ({
      "app.py": HANDLER,
      "uv.lock": `${UV_LOCK_HEAD}\n[[package]]\nname = "orders"\nversion = "0.1.0"\nsource = { virtual = "." }\ndependencies = [{ name = "six" }]\n\n[[package]]\nname = "six"\nversion = "1.17.0\\n--find-links /some/folder\\n--no-index\\nsix==1.17.0"\nsource = { registry = "https://pypi.org/simple" }\nwheels = [{ url = "https://files.example/six-1.17.0-py2.py3-none-any.whl", hash = "sha256:${"a".repeat(64)}" }]\n`,
    }),
    expect: {
      stage: "lockfile",
      message:
        /version of six "1\.17\.0\\n--find-links \/some\/folder\\n--no-index\\nsix==1\.17\.0" is not a version \(PEP 440/,
      file: "uv.lock",
      line: 11,
      distribution: "six",
      hint: /run `uv lock`/,
    },
  },
  {
    id: "poetry-lock-hash-injection",
    description: "a poetry.lock file hash that continues with a pip option",
    files: () => ({
      "app.py": HANDLER,
      "poetry.lock": `[[package]]\nname = "tinylib"\nversion = "1.0"\ndescription = ""\noptional = false\npython-versions = "*"\ngroups = ["main"]\nfiles = [{ file = "tinylib-1.0-py3-none-any.whl", hash = "sha256:${"a".repeat(64)} --no-index" }]\n\n[metadata]\nlock-version = "2.1"\npython-versions = ">=3.12"\ncontent-hash = "0"\n`,
    }),
    expect: {
      stage: "lockfile",
      message: /hash of tinylib "sha256:a{64} --no-ind…" is not a hash pip accepts \(sha256: and 64 hex digits/,
      file: "poetry.lock",
      line: 1,
      distribution: "tinylib",
      hint: /poetry lock/,
    },
  },
  {
    id: "pylock-index-injection",
    description: "a pylock.toml index URL with a newline and --find-links",
    files: () => ({
      "app.py": HANDLER,
      "pylock.toml": `lock-version = "1.0"\ncreated-by = "test"\n\n[[packages]]\nname = "tinylib"\nversion = "1.0"\nindex = "https://pypi.org/simple\\n--find-links /tmp"\n\n[[packages.wheels]]\nname = "tinylib-1.0-py3-none-any.whl"\nurl = "https://files.example/tinylib-1.0-py3-none-any.whl"\nhashes = { sha256 = "${"a".repeat(64)}" }\n`,
    }),
    expect: {
      stage: "lockfile",
      message:
        /index URL of tinylib "https:\/\/pypi\.org\/simple\\n--find-links \/tmp" is not an http\(s\):\/\/ or file:\/\/ URL/,
      file: "pylock.toml",
      line: 4,
      distribution: "tinylib",
      hint: /regenerate pylock\.toml/,
    },
  },
  {
    id: "pipfile-lock-default-missing",
    description: "a Pipfile.lock without its default section (it would build a function with no dependencies)",
    files: () => ({
      "app.py": HANDLER,
      "Pipfile.lock": JSON.stringify(
        { _meta: { "pipfile-spec": 6, sources: [] }, default: null, develop: {} },
        null,
        4,
      ),
    }),
    expect: {
      stage: "lockfile",
      message: /Pipfile\.lock has no "default" section \(found null\)/,
      file: "Pipfile.lock",
      line: 6,
      hint: /pipenv lock/,
    },
  },
  {
    id: "uv-lock-duplicate-package",
    description: "two uv.lock tables for the same name, version and source, with different hashes",
    files: () => {
      const six = (hex: string) =>
        `\n[[package]]\nname = "six"\nversion = "1.17.0"\nsource = { registry = "https://pypi.org/simple" }\nwheels = [{ url = "https://files.example/six-1.17.0-py2.py3-none-any.whl", hash = "sha256:${hex.repeat(64)}" }]\n`;
      return {
        "app.py": HANDLER,
        "uv.lock": `${UV_LOCK_HEAD}\n[[package]]\nname = "orders"\nversion = "0.1.0"\nsource = { virtual = "." }\ndependencies = [{ name = "six" }]\n${six("a")}${six("b")}`,
      };
    },
    expect: {
      stage: "lockfile",
      message: /six 1\.17\.0 from registry https:\/\/pypi\.org\/simple is in uv\.lock twice \(line 11 and line 17\)/,
      file: "uv.lock",
      line: 17,
      distribution: "six",
      hint: /run `uv lock`/,
    },
  },
  {
    id: "include-outside-project",
    description: "-r /proc/self/environ: a file outside the project is never read (nor echoed)",
    files: withRequirements(line("-r /proc/self/environ")),
    expect: {
      stage: "lockfile",
      message:
        /included requirements file .*proc\/self\/environ resolves to a file outside the project, which is not read/,
      file: "requirements.txt",
      line: 2,
      hint: /keep the included requirements file inside `working-directory`/,
    },
  },
  {
    id: "include-device",
    description: "-r through a symlink to /dev/zero fails at once instead of reading forever",
    files: () => ({
      "app.py": HANDLER,
      "requirements.txt": "-r zero.txt\n",
      "zero.txt": { symlink: "/dev/zero" },
    }),
    expect: {
      stage: "lockfile",
      message: /included requirements file zero\.txt resolves to a file outside the project/,
      file: "requirements.txt",
      line: 1,
      hint: /inside `working-directory`/,
    },
  },
  {
    id: "marker-nested-too-deeply",
    description: "a marker nested 20,000 parentheses deep",
    files: withRequirements(line(`tinylib==1.0 ; ${"(".repeat(20_000)}os_name == "posix"${")".repeat(20_000)}`)),
    expect: {
      stage: "lockfile",
      message: /marker nested too deeply/,
      file: "requirements.txt",
      line: 2,
      distribution: "tinylib",
      hint: /PEP 508/,
    },
  },
  {
    id: "pyproject-dependency-invalid",
    description: "a pyproject.toml dependency string that is not a PEP 508 requirement",
    files: () => ({
      "app.py": HANDLER,
      "pyproject.toml": PYPROJECT.replace(
        "dependencies = []",
        'dependencies = ["--index-url=https://evil.example/simple"]',
      ),
      "uv.lock": `${UV_LOCK_HEAD}\n[[package]]\nname = "orders"\nversion = "0.1.0"\nsource = { virtual = "." }\n`,
    }),
    expect: {
      stage: "lockfile",
      message: /"--index-url=https:\/\/evil\.example\/simple" is not a requirement \(PEP 508\)/,
      file: "pyproject.toml",
      hint: /write it as PEP 508 does/,
    },
  },

  // ---------------------------------------------------------------- install (pip against the local index)
  {
    id: "hash-mismatch",
    description: "the index serves other bytes than the lockfile's hash",
    files: withRequirements(line(`tinylib==1.0 --hash=sha256:${"0".repeat(64)}`)),
    expect: {
      stage: "install",
      message:
        /hash mismatch for tinylib==1\.0: the file tinylib-1\.0-py3-none-any\.whl has sha256 [0-9a-f]{64}, the lockfile expects 0{64}/,
      file: "requirements.txt",
      line: 2,
      distribution: "tinylib",
      hint: /not the one that was locked/,
    },
  },
  {
    id: "sdist-only",
    description: "a package that publishes only a source distribution, with build-from-source never",
    files: withRequirements(line("sdistonly==0.5")),
    inputs: () => ({ "build-from-source": "never" }),
    expect: {
      stage: "install",
      message:
        /sdistonly==0\.5 has only a source distribution \(sdistonly-0\.5\.tar\.gz\), and build-from-source is never/,
      file: "requirements.txt",
      line: 2,
      distribution: "sdistonly",
      hint: /build-from-source: pure/,
    },
  },
  {
    id: "sdist-only-unbuildable",
    description: "a package with only a source distribution that does not build (build-from-source pure)",
    files: withRequirements(line("sdistonly==0.5")),
    expect: {
      stage: "install",
      message: /^building sdistonly 0\.5 from its source distribution on the index failed \(exit \d+\); the build said/,
      file: "requirements.txt",
      line: 2,
      distribution: "sdistonly",
      hint: /build-from-source: never/,
    },
  },
  {
    id: "wheel-wrong-python",
    description: "only a CPython 3.11 wheel, for python3.12",
    files: withRequirements(pinOf("py311only")),
    expect: {
      stage: "install",
      message: /no wheel of py311only==1\.0 fits python3\.12[\s\S]*ABI cp311 is for CPython 3\.11/,
      file: "requirements.txt",
      line: 2,
      distribution: "py311only",
      hint: /choose a runtime and architecture these wheels support/,
    },
  },
  {
    id: "wheel-wrong-abi",
    description: "only a PyPy wheel",
    files: withRequirements(pinOf("pypyonly")),
    expect: {
      stage: "install",
      message: /no wheel of pypyonly==1\.0 fits python3\.12[\s\S]*ABI pypy310_pp73 is not CPython's/,
      file: "requirements.txt",
      line: 2,
      distribution: "pypyonly",
      hint: /choose a runtime and architecture/,
    },
  },
  {
    id: "wheel-wrong-arch",
    description: "only an aarch64 wheel, for x86_64",
    files: withRequirements(pinOf("armonly")),
    expect: {
      stage: "install",
      message: /no wheel of armonly==1\.0 fits python3\.12[\s\S]*is for aarch64, the target architecture is x86_64/,
      file: "requirements.txt",
      line: 2,
      distribution: "armonly",
      hint: /choose a runtime and architecture/,
    },
  },
  {
    id: "wheel-wrong-glibc",
    description: "a manylinux_2_28 wheel for python3.11 (glibc 2.26); an older release fits",
    inputs: () => ({ runtime: "python3.11" }),
    files: withRequirements(pinOf("newglibc")),
    expect: {
      stage: "install",
      message: /no wheel of newglibc==3\.0 fits python3\.11[\s\S]*needs glibc 2\.28, python3\.11 has glibc 2\.26/,
      file: "requirements.txt",
      line: 2,
      distribution: "newglibc",
      hint: /newglibc 2\.0 has a wheel that fits: pin it/,
    },
  },
  {
    id: "wheel-musl",
    description: "only a musllinux wheel",
    files: withRequirements(pinOf("muslonly")),
    expect: {
      stage: "install",
      message: /no wheel of muslonly==1\.0 fits[\s\S]*is for musl libc/,
      file: "requirements.txt",
      distribution: "muslonly",
      hint: /\S/,
    },
  },
  {
    id: "wheel-bare-linux",
    description: "only a linux_x86_64 wheel (built for one distribution, not manylinux)",
    files: withRequirements(pinOf("linuxonly")),
    expect: {
      stage: "install",
      message: /no wheel of linuxonly==1\.0 fits[\s\S]*not manylinux: it is not safe on Lambda/,
      file: "requirements.txt",
      distribution: "linuxonly",
      hint: /\S/,
    },
  },
  {
    id: "version-not-on-index",
    description: "a pin to a version the index does not have",
    files: withRequirements(line("tinylib==9.9")),
    expect: {
      stage: "install",
      message: /tinylib==9\.9 is not on the index \(versions there: 1\.0\)/,
      file: "requirements.txt",
      line: 2,
      distribution: "tinylib",
      hint: /fix the pin/,
    },
  },
  {
    id: "pins-conflict",
    description: "a requirements.txt whose pins cannot be installed together",
    files: withRequirements(line("tinylib==1.0"), line("needsold==1.0")),
    expect: {
      stage: "install",
      message: /the pinned versions conflict: The user requested tinylib==1\.0; needsold 1\.0 depends on tinylib<1\.0/,
      file: "requirements.txt",
      hint: /relock/,
    },
  },
  {
    id: "zip-slip",
    description: "a wheel with a ../ entry that would write outside the install folder (pip refuses it)",
    files: withRequirements(pinOf("slip")),
    expect: {
      stage: "install",
      message:
        /the wheel slip-1\.0-py3-none-any\.whl of slip 1\.0 has a file that would be written outside the install folder: \.\.\/\.\.\/\.\.\/\.\.\/tmp\/lpp-zip-slip\.py/,
      file: "requirements.txt",
      line: 2,
      distribution: "slip",
      hint: /do not use this wheel/,
    },
  },
  {
    id: "absolute-path",
    description: "a wheel with an absolute entry name (pip refuses it)",
    files: withRequirements(pinOf("absolute")),
    expect: {
      stage: "install",
      message:
        /the wheel absolutepath-1\.0-py3-none-any\.whl of absolutepath 1\.0 has a file that would be written outside the install folder: \/tmp\/lpp-absolute-path\.py/,
      file: "requirements.txt",
      line: 2,
      distribution: "absolutepath",
      hint: /do not use this wheel/,
    },
  },
  {
    id: "corrupt-crc",
    description: "a wheel whose entry does not match its CRC-32",
    files: withRequirements(pinOf("badcrc")),
    expect: {
      stage: "install",
      message:
        /the wheel badcrc-1\.0-py3-none-any\.whl of badcrc 1\.0 is corrupt \(Bad CRC-32 for file 'badcrc\/__init__\.py'\)/,
      file: "requirements.txt",
      line: 2,
      distribution: "badcrc",
      hint: /publish the wheel again/,
    },
  },
  {
    id: "corrupt-truncated",
    description: "a wheel cut short (no central directory)",
    files: withRequirements(pinOf("truncated")),
    expect: {
      stage: "install",
      message: /the wheel truncated-1\.0-py3-none-any\.whl of truncated 1\.0 is corrupt/,
      file: "requirements.txt",
      line: 2,
      distribution: "truncated",
      hint: /publish the wheel again/,
    },
  },

  // ---------------------------------------------------------------- inspection of what was installed
  {
    id: "mislabeled-so",
    description: "a wheel tagged x86_64 whose .so is an aarch64 ELF",
    files: withRequirements(pinOf("mislabeled")),
    expect: {
      stage: "inspect",
      message:
        /mislabeled\/_speedups\.cpython-312-x86_64-linux-gnu\.so in mislabeled 1\.0 is a 64-bit little-endian ELF for aarch64 \(e_machine 183\); python3\.12 x86_64 runs 64-bit little-endian x86_64/,
      file: "requirements.txt",
      line: 2,
      distribution: "mislabeled",
      hint: /\S/,
    },
  },
  {
    id: "record-escapes",
    description: "a wheel whose RECORD lists ../ and absolute paths (pip keeps those lines)",
    files: withRequirements(pinOf("recordslip")),
    expect: {
      stage: "inspect",
      message: /recordslip 1\.0's RECORD lists (absolute paths|paths with '\.\.')/,
      file: "requirements.txt",
      line: 2,
      distribution: "recordslip",
      hint: /a wheel must install under its root only/,
    },
  },
  {
    id: "enormous",
    description: "a wheel that unzips to more than 262,144,000 bytes",
    inputs: () => ({ package: "layer" }),
    files: withRequirements(pinOf("enormous")),
    expect: {
      stage: "inspect",
      message:
        /^the layer unzips to 264\.0 MB \(276,824,\d{3} bytes\), over Lambda's limit of 250\.0 MB \(262,144,000 bytes\)[\s\S]*Largest distributions \(unzipped\): enormous 1\.0 \(264\.0 MB\)/,
      hint: /drop a heavy optional dependency[\s\S]*container image/,
    },
  },
  {
    id: "code-collision",
    description: "a dependency that ships app.py, the handler's own module",
    files: withRequirements(pinOf("shadowapp")),
    expect: {
      stage: "inspect",
      message: /app\.py/,
      distribution: "shadowapp",
      hint: /allow-collisions/,
      thrown: /problem\(s\) found by inspection/,
    },
  },
  {
    id: "wheel-symlink-out",
    description:
      "a wheel with a symlink entry to /etc/passwd: pip writes the link's text as an ordinary file; the zip holds that text, never the target",
    files: withRequirements(pinOf("symlinkout")),
    expect: {
      outcome: "ok",
      zipEntries: { "symlinkout/secrets": { mode: 0o100644, content: "../../../../../../etc/passwd" } },
    },
  },
  {
    id: "wheel-setuid-world-writable",
    description: "a wheel with a setuid and a world-writable file: pip drops the bits, the zip stores 0755 and 0644",
    files: withRequirements(pinOf("setuid")),
    expect: {
      outcome: "ok",
      zipEntries: {
        "setuidwheel/helper": { mode: 0o100755 },
        "setuidwheel/shared.txt": { mode: 0o100644 },
      },
    },
  },

  // ---------------------------------------------------------------- function code
  {
    id: "source-matches-nothing",
    description: "a source glob that matches no file",
    inputs: () => ({ source: "app.py\nhandlers/**/*.py" }),
    expect: {
      stage: "source",
      message: /source "handlers\/\*\*\/\*\.py" matches no file/,
      hint: /relative to `working-directory`/,
    },
  },
  {
    id: "source-outside",
    description: "a source line that leaves the working directory",
    inputs: () => ({ source: "../shared" }),
    expect: { stage: "source", message: /source "\.\.\/shared" lies outside the working directory/, hint: /\S/ },
  },
  {
    id: "no-code",
    description: "no handler code at all (only the lockfile)",
    files: () => ({ "requirements.txt": "" }),
    expect: { stage: "source", message: /no function code found/, hint: /set `source`.*or use `package: layer`/ },
  },
  {
    id: "all-code-excluded",
    description: "exclude removes every code file",
    inputs: () => ({ exclude: "**/*.py" }),
    expect: { stage: "source", message: /no function code found/, hint: /set `source`/ },
  },
  {
    id: "output-dir-is-working-directory",
    description: "output-dir . writes the zips among the code: the next build would ship the last build's zips",
    inputs: () => ({ "output-dir": "." }),
    expect: {
      stage: "source",
      message: /output-dir is the working directory itself/,
      hint: /give the zips a folder of their own/,
    },
  },
  {
    id: "output-dir-holds-code",
    description: "output-dir names the folder the code is in: the code would be left out of the zip",
    files: () => ({ "app.py": "from lib import util\n", "lib/util.py": "X = 1\n", "requirements.txt": "" }),
    inputs: () => ({ "output-dir": "lib" }),
    expect: {
      stage: "source",
      message: /output-dir lib holds files of the function code \(lib\/util\.py\)/,
      hint: /give the zips a folder of their own/,
    },
  },
  {
    id: "output-dir-inside",
    description: "an output dir inside the project, holding a previous build: it is left out of the code (documented)",
    files: () => ({ "app.py": HANDLER, "requirements.txt": "", "out/function.zip": "stale zip" }),
    inputs: () => ({ "output-dir": "out" }),
    expect: { outcome: "ok", zipLacks: /^out\// },
  },
  {
    id: "source-symlink-outside",
    description: "a code file that is a symlink to a file outside the project (it would ship that file)",
    files: () => ({ "app.py": HANDLER, "requirements.txt": "", "config.py": { symlink: "/etc/hostname" } }),
    expect: {
      stage: "source",
      message: /config\.py is a symbolic link to \/etc\/hostname, outside the working directory/,
      file: "config.py",
      hint: /copy the file into the project/,
    },
  },
  {
    id: "source-symlink-dangling",
    description: "a code file that is a symlink to nothing",
    files: () => ({ "app.py": HANDLER, "requirements.txt": "", "settings.py": { symlink: "missing/settings.py" } }),
    expect: {
      stage: "source",
      message: /settings\.py is a symbolic link to missing\/settings\.py, which does not exist/,
      file: "settings.py",
      hint: /\S/,
    },
  },
  {
    id: "source-symlink-directory",
    description: "a code folder that is a symlink to another folder",
    files: () => ({ "app.py": HANDLER, "requirements.txt": "", "real/x.py": "X = 1\n", shared: { symlink: "real" } }),
    expect: {
      stage: "source",
      message: /shared is a symbolic link to the folder real/,
      file: "shared",
      hint: /list the real folder in `source`/,
    },
  },
  {
    id: "source-symlink-inside",
    description: "a code file that is a symlink inside the project: stored as an ordinary file with the target's bytes",
    files: () => ({ "app.py": HANDLER, "requirements.txt": "", "handler.py": { symlink: "app.py" } }),
    expect: {
      outcome: "ok",
      zipEntries: { "handler.py": { mode: 0o100644, content: HANDLER }, "app.py": { mode: 0o100644 } },
    },
  },

  // ---------------------------------------------------------------- deploy (the local AWS)
  {
    id: "bucket-missing",
    description: "an s3-bucket that does not exist",
    aws: (c) => ({ functions: [zipFunction(c)] }),
    inputs: deployTo({ "s3-bucket": "no-such-bucket-lpp" }),
    expect: {
      stage: "deploy",
      message: /S3 bucket no-such-bucket-lpp does not exist/,
      hint: /create it in eu-central-1 \(this action never creates buckets\)/,
    },
  },
  {
    id: "bucket-other-region",
    description: "a bucket in another region than the function",
    aws: (c) => ({ functions: [zipFunction(c)], buckets: [{ name: "lpp-artifacts-us", region: "us-east-1" }] }),
    inputs: deployTo({ "s3-bucket": "lpp-artifacts-us" }),
    expect: {
      stage: "deploy",
      message: /S3 bucket lpp-artifacts-us is in us-east-1, but the function is in eu-central-1/,
      hint: /use a bucket in eu-central-1/,
    },
  },
  {
    id: "function-missing",
    description: "a function that does not exist",
    inputs: deployTo(),
    expect: {
      stage: "deploy",
      message: /Lambda function corpus-function-missing does not exist in eu-central-1/,
      hint: /create it first/,
    },
  },
  {
    id: "function-image",
    description: "a container image function",
    aws: (c) => ({ functions: [zipFunction(c, { packageType: "Image" })] }),
    inputs: deployTo(),
    expect: { stage: "deploy", message: /is a container image function: it cannot take a zip/, hint: /\S/ },
  },
  {
    id: "function-architecture-mismatch",
    description: "an arm64 function, packages built for x86_64",
    aws: (c) => ({ functions: [zipFunction(c, { architecture: "arm64" })] }),
    inputs: deployTo(),
    expect: {
      stage: "deploy",
      message: /runs on arm64, but the packages were built for x86_64/,
      hint: /set `architecture: arm64`/,
    },
  },
  {
    id: "sixth-layer",
    description: "attaching a layer to a function that already has five",
    layers: 5,
    aws: (c) => ({ functions: [zipFunction(c)] }),
    inputs: deployTo({ package: "split", "layer-name": "corpus-deps" }),
    expect: {
      stage: "deploy",
      message: /attaching layer corpus-deps would give corpus-sixth-layer 6 layers; Lambda allows 5/,
      hint: /remove a layer from the function, or set `attach-layer: false`/,
    },
  },
  {
    id: "credentials-missing",
    description: "no AWS credentials anywhere in the chain",
    credentials: "missing",
    aws: (c) => ({ functions: [zipFunction(c)] }),
    inputs: deployTo(),
    expect: {
      stage: "deploy",
      message: /no AWS credentials found/,
      hint: /configure credentials before this step/,
    },
  },
  {
    id: "credentials-wrong-secret",
    description: "a secret key that does not match the access key (signature refused)",
    credentials: "wrong-secret",
    aws: (c) => ({ functions: [zipFunction(c)] }),
    inputs: deployTo(),
    expect: {
      stage: "deploy",
      message: /InvalidSignatureException/,
      hint: /the secret key does not match the access key/,
    },
  },
  {
    id: "credentials-unknown-key",
    description: "an access key AWS does not know",
    credentials: "unknown-key",
    aws: (c) => ({ functions: [zipFunction(c)] }),
    inputs: deployTo(),
    expect: {
      stage: "deploy",
      message: /UnrecognizedClientException/,
      hint: /the access key is not valid/,
    },
  },
  {
    id: "lockfile-none-code-only",
    description: "a handler without third-party dependencies and no lockfile: the code alone, with a notice",
    files: () => ({ "app.py": HANDLER }),
    expect: {
      outcome: "ok",
      log: /^notice: no lockfile found in .*: building the function code alone, with no third-party dependencies$/,
      zipEntries: { "app.py": { mode: 0o100644, content: HANDLER } },
    },
  },
  {
    id: "sixth-layer-from-layers",
    description: "the `layers` input pushing a function with four layers past five, with our own layer",
    layers: 4,
    aws: (c) => ({ functions: [zipFunction(c)] }),
    inputs: deployTo({
      package: "split",
      "layer-name": "corpus-deps-6",
      layers: `arn:aws:lambda:${REGION}:123456789012:layer:corpus-other-4:1`,
    }),
    expect: {
      stage: "deploy",
      message:
        /attaching layer corpus-deps-6, arn:aws:lambda:eu-central-1:123456789012:layer:corpus-other-4:1 would give corpus-sixth-layer-from-layers 6 layers; Lambda allows 5/,
      hint: /fewer `layers`/,
    },
  },
  {
    id: "layers-version-missing",
    description: "a `layers` entry naming a layer version that does not exist",
    aws: (c) => ({ functions: [zipFunction(c)] }),
    inputs: deployTo({ layers: `arn:aws:lambda:${REGION}:123456789012:layer:corpus-other-0:99` }),
    expect: {
      stage: "deploy",
      message: /layer version arn:aws:lambda:eu-central-1:123456789012:layer:corpus-other-0:99 does not exist/,
      hint: /check the ARN/,
    },
  },

  // ---------------------------------------------------------------- hostile working directories
  {
    id: "source-symlink-fifo",
    description: "a code file that is a symlink to a FIFO: the zip writer would block forever reading it",
    files: () => ({
      "app.py": HANDLER,
      "requirements.txt": "",
      ".run/pipe": { fifo: true },
      "config.py": { symlink: ".run/pipe" },
    }),
    expect: {
      stage: "source",
      message: /config\.py is a symbolic link to \.run\/pipe, which is not a regular file/,
      file: "config.py",
      hint: /point the link at a regular file/,
    },
  },
  {
    id: "source-fifo",
    description: "a FIFO among the code files",
    files: () => ({ "app.py": HANDLER, "requirements.txt": "", "feed.py": { fifo: true } }),
    expect: {
      stage: "source",
      message: /feed\.py is a FIFO \(named pipe\), not a regular file/,
      file: "feed.py",
      hint: /exclude/,
    },
  },
  {
    id: "source-name-not-utf8",
    description: "a code file whose name is not UTF-8 (Latin-1 café.py)",
    files: () => ({
      "app.py": HANDLER,
      "requirements.txt": "",
      "lib/café.py": { latin1Name: true, content: "X = 1\n" },
    }),
    expect: {
      stage: "source",
      message: /the file name lib\/caf\\xe9\.py is not UTF-8/,
      file: "lib/caf\\xe9.py",
      hint: /rename the file/,
    },
  },
  {
    id: "source-symlink-loop",
    description: "two code files that are links to each other",
    files: () => ({
      "app.py": HANDLER,
      "requirements.txt": "",
      "a.py": { symlink: "b.py" },
      "b.py": { symlink: "a.py" },
    }),
    expect: {
      stage: "source",
      message: /a\.py is a symbolic link to b\.py, which loops back on itself/,
      file: "a.py",
      hint: /\S/,
    },
  },
  {
    id: "source-symlink-loop-unselected",
    description: "a symlink loop under node_modules/ with `source: app.py`: never read, the build succeeds",
    files: () => ({
      "app.py": HANDLER,
      "requirements.txt": "",
      "node_modules/pkg/a": { symlink: "b" },
      "node_modules/pkg/b": { symlink: "a" },
    }),
    inputs: () => ({ source: "app.py" }),
    expect: { outcome: "ok", zipEntries: { "app.py": { mode: 0o100644, content: HANDLER } }, zipLacks: /node_modules/ },
  },
  {
    id: "source-symlink-git-config",
    description: "config.txt -> .git/config: the checkout's token header would ship as code",
    files: () => ({
      "app.py": HANDLER,
      "requirements.txt": "",
      ".git/config": '[http "https://github.com/"]\n\textraheader = AUTHORIZATION: basic eC1hY2Nlc3MtdG9rZW46Z2hz\n',
      "config.txt": { symlink: ".git/config" },
    }),
    expect: {
      stage: "source",
      message: /config\.txt is a symbolic link to \.git\/config, a file that is never shipped/,
      file: "config.txt",
      hint: /link to a file that is part of the code/,
    },
  },
  {
    id: "source-symlink-dotenv",
    description: "settings.py -> .env: the secrets file would ship as code",
    files: () => ({
      "app.py": HANDLER,
      "requirements.txt": "",
      ".env": "DB_PASSWORD=hunter2\n",
      "settings.py": { symlink: ".env" },
    }),
    expect: {
      stage: "source",
      message: /settings\.py is a symbolic link to \.env, a file that is never shipped/,
      file: "settings.py",
      hint: /exclude/,
    },
  },
  {
    id: "source-file-over-limit",
    description: "a code file of 2 GiB + 1 byte (sparse): refused before it is read, no int32 overflow",
    files: () => ({ "app.py": HANDLER, "requirements.txt": "", "model.bin": { sparse: 2 ** 31 + 1 } }),
    // the inspection's size check stops it before the zip writer (which refuses such a file too)
    expect: {
      stage: "inspect",
      message: /the function unzips to 2048\.0 MB \(2,147,483,702 bytes\), over Lambda's limit/,
      hint: /container image/,
    },
  },
  {
    id: "output-dir-is-a-file",
    description: "output-dir names a file: refused before anything is installed",
    files: () => ({ "app.py": HANDLER, "requirements.txt": "", out: "not a folder\n" }),
    inputs: () => ({ "output-dir": "out" }),
    expect: {
      stage: "inputs",
      message: /output-dir .*\/out is a file, not a folder/,
      hint: /set `output-dir` to a folder/,
    },
  },
  {
    id: "output-dir-under-a-file",
    description: "output-dir below a file",
    files: () => ({ "app.py": HANDLER, "requirements.txt": "", out: "not a folder\n" }),
    inputs: () => ({ "output-dir": "out/zips" }),
    expect: {
      stage: "inputs",
      message: /output-dir .*\/out\/zips cannot hold the zips: a file stands where one of its folders should be/,
      hint: /output-dir/,
    },
  },
  {
    id: "collision-file-folder",
    description:
      "with allow-collisions, a code file `tinylib` and the dependency folder tinylib/: no zip can hold both",
    files: (c) => ({ ...withRequirements(pinOf("tinylib"))(c), tinylib: "not a package\n" }),
    inputs: () => ({ "allow-collisions": "true" }),
    expect: {
      stage: "inspect",
      message:
        /one zip cannot hold a file and a folder of the same name .*tinylib is a file of the function code and a folder of the dependencies/,
      hint: /rename the function's file or folder/,
    },
  },
  // ---------------------------------------------------------------- optimize inputs
  {
    id: "compile-invalid",
    description: "a compile value that is none of auto, true, required, false",
    inputs: () => ({ compile: "3.12" }),
    expect: {
      stage: "inputs",
      message: /input compile is "3\.12"; valid values: auto, true \(or required\), false/,
      hint: /compile: auto/,
    },
  },
  {
    id: "exclude-packages-not-a-name",
    description: "exclude-packages with something that is not a distribution name (an option)",
    inputs: () => ({ "exclude-packages": "boto3 --index-url=http://evil" }),
    expect: {
      stage: "inputs",
      message: /input exclude-packages: "--index-url=http:\/\/evil" is not a distribution name/,
      hint: /boto3 botocore/,
    },
  },
  {
    id: "slim-keep-outside",
    description: "a slim-keep glob that climbs out of the package",
    inputs: () => ({ "slim-keep": "../secrets/**" }),
    expect: {
      stage: "inputs",
      message: /input slim-keep: "\.\.\/secrets\/\*\*" is not a glob of paths inside the package/,
      hint: /relative and with \//,
    },
  },
  {
    id: "compile-required-no-python",
    description: "compile: true for python3.14 on a runner with no Python 3.14",
    inputs: () => ({ runtime: "python3.14", compile: "true" }),
    expect: {
      stage: "inputs",
      message: /no Python 3\.14 on this runner to compile bytecode for python3\.14/,
      hint: /actions\/setup-python/,
    },
  },
];

/**
 * Bad inputs whose error is wrong because of a bug in a file this corpus's authors may not
 * edit. test/corpus.e2e.test.ts keeps them in a describe.skip block: move a case up into CASES
 * once its bug is fixed.
 */
/** Cases that once failed (a self-contradicting ABI message; packaging ahead of inspection errors). */
export const REGRESSIONS: CorpusCase[] = [
  {
    id: "wheel-debug-abi",
    description: "only a wheel for a debug build of CPython 3.12 (ABI cp312d)",
    files: withRequirements(pinOf("debugabi")),
    expect: {
      stage: "install",
      message: /no wheel of debugabi==1\.0 fits python3\.12[\s\S]*ABI cp312d is for a debug build of CPython 3\.12/,
      file: "requirements.txt",
      line: 2,
      distribution: "debugabi",
      hint: /\S/,
    },
  },
  {
    id: "code-collision-stops-at-inspection",
    description: "a dependency that ships app.py: the build stops with the inspection's error",
    files: withRequirements(pinOf("shadowapp")),
    expect: {
      stage: "inspect",
      message: /the function code and the dependencies both provide a top-level module: app/,
      distribution: "shadowapp",
      hint: /allow-collisions/,
    },
  },
];
