/**
 * The deploy's and the release's inputs: names against Lambda's grammars, the region,
 * S3, the smoke event, the traffic shift and the alarms. A preview checks nothing only a
 * deploy needs.
 */
import { readFileSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import { Input, type PackageMode } from "./constants.ts";
import { parseTrafficShift, type TrafficShift } from "./deploy/rollout.ts";
import type { SmokeRequest } from "./deploy/smoke.ts";
import type { S3Upload } from "./deploy/types.ts";
import { UserError } from "./errors.ts";
import { bool, type GetInput, lines, oneOf } from "./input-values.ts";

/** Present when a function or layer is named; `enabled` says whether to deploy to it. */
export interface DeployInputs {
  enabled: boolean;
  functionName?: string;
  layerName?: string;
  attachLayer: boolean;
  /** existing layer versions to attach (e.g. another job's layer-version-arn) */
  layerArns: string[];
  s3Bucket?: string;
  s3Prefix: string;
  s3Upload: S3Upload;
  region: string;
  publish: boolean;
  alias?: string;
  smoke?: SmokeRequest;
  trafficShift: TrafficShift;
  rollbackAlarms: string[];
}

import { describeJsonError, findJsonError, looksLikeJson } from "./json-syntax.ts";

const S3_UPLOADS: readonly S3Upload[] = ["auto", "always", "never"];

const FUNCTION_NAME = /^(arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:function:)?[a-zA-Z0-9_-]{1,64}$/;
const LAYER_NAME = /^(arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:layer:)?[a-zA-Z0-9_-]{1,140}$/;
const LAYER_VERSION_ARN = /^arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:layer:[a-zA-Z0-9_-]{1,140}:\d+$/;
const ALIAS_NAME = /^(?!\d+$)[a-zA-Z0-9_-]{1,128}$/;

/** The names a deploy targets, each against its grammar, and what needs a function name. */
function checkDeployNames(
  names: { functionName?: string; layerName?: string; alias?: string; layerArns: string[] },
  errors: UserError[],
): void {
  const { functionName, layerName, alias, layerArns } = names;
  if (functionName && !FUNCTION_NAME.test(functionName)) {
    errors.push(
      new UserError(
        `input function-name "${functionName}" is not a Lambda function name or ARN (letters, digits, - and _, at most 64)`,
        { hint: "use the function's name as Lambda shows it (e.g. orders-api) or its full ARN" },
      ),
    );
  }
  if (layerName && !LAYER_NAME.test(layerName)) {
    errors.push(
      new UserError(
        `input layer-name "${layerName}" is not a valid layer name (letters, digits, - and _, at most 140) or layer ARN`,
        { hint: "use the layer's name (e.g. orders-deps) or its ARN without a version number" },
      ),
    );
  }
  if (alias && !ALIAS_NAME.test(alias)) {
    errors.push(
      new UserError(
        `input alias "${alias}" is not a valid alias name (letters, digits, - and _, at most 128, not only digits)`,
        { hint: "use a name such as live or prod: a number names a version, not an alias" },
      ),
    );
  }
  for (const arn of layerArns) {
    if (!LAYER_VERSION_ARN.test(arn))
      errors.push(
        new UserError(
          `input layers: "${arn}" is not a layer version ARN (arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION)`,
        ),
      );
  }
  if (layerArns.length > 0 && !functionName)
    errors.push(new UserError("input layers needs function-name: layers are attached to a function"));
  if (alias && !functionName)
    errors.push(
      new UserError("input alias needs function-name: an alias points at a version of a function", {
        hint: "set `function-name`, or remove `alias`",
      }),
    );
}

/** A deploy needs a region, written as AWS writes it (a preview checks nothing only a deploy needs). */
function checkRegion(region: string, errors: UserError[]): void {
  if (!region) {
    errors.push(
      new UserError(
        "no AWS region: set the region input, or AWS_REGION (aws-actions/configure-aws-credentials sets it)",
        { hint: "set `region` to the function's region, e.g. `region: eu-west-1`" },
      ),
    );
  } else if (!/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/.test(region)) {
    errors.push(
      new UserError(`region "${region}" is not an AWS region name such as eu-west-1`, {
        hint: "use the region's code (eu-central-1, us-east-1, ...), not its display name",
      }),
    );
  }
}

export function loadDeployInputs(
  get: GetInput,
  env: NodeJS.ProcessEnv,
  packageMode: PackageMode | undefined,
  errors: UserError[],
  workingDirectory: string,
): DeployInputs | undefined {
  const functionName = get(Input.FunctionName).trim() || undefined;
  const layerName = get(Input.LayerName).trim() || undefined;
  const alias = get(Input.Alias).trim() || undefined;
  const named = Boolean(functionName || layerName);
  const deploy = bool(Input.Deploy, get(Input.Deploy).trim(), named, errors);
  const attachLayer = bool(Input.AttachLayer, get(Input.AttachLayer).trim(), true, errors);
  const publish = bool(Input.Publish, get(Input.Publish).trim(), false, errors) || alias !== undefined;
  const s3Upload = oneOf(Input.S3Upload, get(Input.S3Upload).trim() || "auto", S3_UPLOADS, errors);
  const layerArns = lines(get(Input.Layers));
  checkDeployNames({ functionName, layerName, alias, layerArns }, errors);
  const release = loadReleaseInputs(get, workingDirectory, Boolean(functionName), alias, errors);
  if (!named) return undefined;
  if (deploy && functionName && packageMode === "layer") {
    errors.push(
      new UserError("function-name is set but package is layer: there is no function zip to deploy", {
        hint: "use package: function or split",
      }),
    );
  }
  if (deploy && layerName && packageMode === "function") {
    errors.push(
      new UserError("layer-name is set but package is function: there is no layer zip to publish", {
        hint: "use package: layer or split",
      }),
    );
  }
  const region = get(Input.Region).trim() || env.AWS_REGION || env.AWS_DEFAULT_REGION || "";
  if (deploy) checkRegion(region, errors);
  const s3Bucket = get(Input.S3Bucket).trim() || undefined;
  if (deploy && s3Upload === "always" && !s3Bucket) {
    errors.push(
      new UserError('input s3-upload is "always" but no s3-bucket is set', {
        hint: "set `s3-bucket` to a bucket in the function's region, or `s3-upload: auto`",
      }),
    );
  }
  return {
    enabled: deploy,
    functionName,
    layerName,
    attachLayer,
    layerArns,
    s3Bucket,
    s3Prefix: get(Input.S3Prefix).trim(),
    s3Upload: s3Upload ?? "auto",
    region,
    publish: publish || release.smoke !== undefined,
    alias,
    ...release,
  };
}

/** Largest event Lambda takes in a synchronous invocation. */
const MAX_EVENT_BYTES = 6 * 1024 * 1024;

function loadReleaseInputs(
  get: GetInput,
  workingDirectory: string,
  hasFunction: boolean,
  alias: string | undefined,
  errors: UserError[],
): Pick<DeployInputs, "smoke" | "trafficShift" | "rollbackAlarms"> {
  const shiftText = get(Input.TrafficShift).trim();
  const parsed = parseTrafficShift(shiftText);
  if (parsed instanceof UserError) errors.push(parsed);
  const trafficShift: TrafficShift = parsed instanceof UserError ? { kind: "all-at-once" } : parsed;
  const rollbackAlarms = lines(get(Input.RollbackAlarms));
  rollbackAlarms.forEach((name, i) => {
    // named by position, not quoted: the value is outside text
    if (name.length > 255 || /\p{Cc}/u.test(name))
      errors.push(
        new UserError(`input rollback-alarms, name ${i + 1}: not a CloudWatch alarm name`, {
          hint: "an alarm name is 1 to 255 characters without control characters, one name per line",
        }),
      );
  });
  if ((trafficShift.kind !== "all-at-once" || rollbackAlarms.length > 0) && !alias) {
    errors.push(
      new UserError(
        "inputs traffic-shift and rollback-alarms need alias: traffic shifts between versions on an alias",
        {
          hint: "set `alias` (e.g. live), or remove them",
        },
      ),
    );
  }
  const eventText = get(Input.SmokeEvent).trim();
  const expect = get(Input.SmokeExpect).trim() || undefined;
  const expectError = expect && looksLikeJson(expect) ? findJsonError(expect) : undefined;
  if (expectError)
    errors.push(
      new UserError(`input smoke-expect starts like JSON but is not valid JSON ${describeJsonError(expectError)}`, {
        hint: 'write a JSON fragment the response must contain, e.g. {"statusCode": 200}; text to find in the response must not start with { or [',
      }),
    );
  if (expect && !eventText)
    errors.push(new UserError("input smoke-expect needs smoke-event", { hint: "set `smoke-event`" }));
  if (!eventText) return { trafficShift, rollbackAlarms };
  if (!hasFunction) {
    errors.push(new UserError("input smoke-event needs function-name: the smoke event invokes the function"));
    return { trafficShift, rollbackAlarms };
  }
  const event = readSmokeEvent(eventText, workingDirectory, errors);
  return { trafficShift, rollbackAlarms, smoke: event && { ...event, expect } };
}

/** The event as JSON text, from the input or from `@file` inside the working directory. */
function readSmokeEvent(
  value: string,
  workingDirectory: string,
  errors: UserError[],
): { event: string; source: string } | undefined {
  let text = value;
  let source = "smoke-event";
  if (value.startsWith("@")) {
    const relative = value.slice(1).trim();
    const file = path.resolve(workingDirectory, relative);
    const inside = (p: string, root: string) => p === root || p.startsWith(`${root}${path.sep}`);
    let real: string | undefined;
    try {
      real = realpathSync(file);
    } catch {
      errors.push(
        new UserError(`input smoke-event: file ${relative} does not exist in ${workingDirectory}`, {
          hint: "give the event file's path relative to `working-directory`, after @",
        }),
      );
      return undefined;
    }
    if (path.isAbsolute(relative) || !inside(file, workingDirectory) || !inside(real, realpathSync(workingDirectory))) {
      errors.push(
        new UserError(`input smoke-event: ${relative} is outside the working directory`, {
          hint: "keep the event file inside `working-directory`",
        }),
      );
      return undefined;
    }
    if (!statSync(real).isFile() || statSync(real).size > MAX_EVENT_BYTES) {
      errors.push(
        new UserError(`input smoke-event: ${relative} is not a file of at most 6 MB (Lambda's limit for an event)`),
      );
      return undefined;
    }
    text = readFileSync(real, "utf8");
    source = relative;
  }
  // JSON.parse's message would quote the text, which may hold a secret: the position is named instead
  const syntax = findJsonError(text);
  if (syntax) {
    const what = source === "smoke-event" ? "input smoke-event is" : `input smoke-event: file ${source} is`;
    errors.push(
      new UserError(`${what} not valid JSON ${describeJsonError(syntax)} (the value is not shown)`, {
        where: source === "smoke-event" ? undefined : { file: source, line: syntax.line },
        hint: 'write the event as JSON, e.g. {"path": "/health"}, or @events/smoke.json',
      }),
    );
    return undefined;
  }
  if (Buffer.byteLength(text) > MAX_EVENT_BYTES) {
    errors.push(new UserError("input smoke-event is over 6 MB, Lambda's limit for an event"));
    return undefined;
  }
  return { event: text, source };
}

/** Inputs for tests and the demo: the same validation, from a plain object. */
