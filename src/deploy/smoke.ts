/**
 * The smoke invocation: the new version, by its number, before the alias moves. The
 * verdict is pure (smokeVerdict); the invoke is the only effect. A failure leaves the
 * alias where it was, so no traffic reaches the new version.
 */
import { InvokeCommand, type InvokeCommandOutput } from "@aws-sdk/client-lambda";
import { UserError } from "../errors.ts";
import { looksLikeJson } from "../json-syntax.ts";
import { cutText, redactEdges } from "../redact.ts";
import { type AwsClients, describeAwsError, isThrottle } from "./aws.ts";
import type { Call } from "./lambda.ts";

export interface SmokeRequest {
  /** the event, JSON text */
  event: string;
  /** where it came from, for messages: "smoke-event" or the file */
  source: string;
  /** a substring, or a JSON fragment, the response must contain */
  expect?: string;
}

export interface SmokeResult {
  passed: boolean;
  version: string;
  status?: number;
  functionError?: string;
  /** truncated and redacted */
  response: string;
  /** Lambda's last 4 KB of log, redacted */
  logTail: string;
  why?: string;
}

const SHOWN = 1000;

/** Whether `fragment` (parsed JSON) is contained in `value`: objects by their keys, arrays by some element. */
export function containsJson(value: unknown, fragment: unknown): boolean {
  if (fragment === null || typeof fragment !== "object") return value === fragment;
  if (Array.isArray(fragment)) {
    return Array.isArray(value) && fragment.every((f) => value.some((v) => containsJson(v, f)));
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  return Object.entries(fragment).every(([k, f]) => Object.hasOwn(record, k) && containsJson(record[k], f));
}

function parseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

export function smokeVerdict(
  payload: string,
  functionError: string | undefined,
  expect?: string,
): { passed: boolean; why?: string } {
  if (functionError) return { passed: false, why: `the function failed (${functionError})` };
  if (expect === undefined) return { passed: true };
  if (looksLikeJson(expect)) {
    // inputs.ts refused smoke-expect that starts like JSON and is not: never a substring check
    const fragment = parseJson(expect);
    const response = parseJson(payload);
    if (fragment && response && containsJson(response.value, fragment.value)) return { passed: true };
    return { passed: false, why: `the response does not contain the JSON fragment ${shown(expect, 200)}` };
  }
  if (payload.includes(expect)) return { passed: true };
  return { passed: false, why: `the response does not contain "${shown(expect, 200)}"` };
}

function shown(text: string, max: number): string {
  return cutText(text, max, (length) => `… (${length} characters)`);
}

export async function smokeInvoke(
  clients: AwsClients,
  call: Call,
  name: string,
  version: string,
  smoke: SmokeRequest,
  timeoutMs: number,
): Promise<SmokeResult> {
  let answer: InvokeCommandOutput;
  try {
    // Invoke runs the function: sent once (the client makes one attempt), again only after a throttle,
    // which Lambda refuses before the function runs
    answer = await call(
      "Invoke",
      () =>
        clients.lambda.send(
          new InvokeCommand({
            FunctionName: name,
            Qualifier: version,
            LogType: "Tail",
            Payload: Buffer.from(smoke.event),
          }),
          { abortSignal: AbortSignal.timeout(timeoutMs) },
        ),
      isThrottle,
    );
  } catch (error) {
    const cause = (error as { cause?: { name?: string } }).cause;
    const timedOut = cause?.name === "AbortError" || (error as Error).name === "AbortError";
    if (timedOut)
      return {
        passed: false,
        version,
        response: "",
        logTail: "",
        why: `no answer in ${Math.round(timeoutMs / 1000)} s`,
      };
    throw invokeFailed(error, name, version);
  }
  const payload = Buffer.from(answer.Payload ?? new Uint8Array()).toString("utf8");
  // the last 4 KB of the log: its first line may begin inside a secret
  const logTail = answer.LogResult
    ? redactEdges(Buffer.from(answer.LogResult, "base64").toString("utf8"), { start: true })
    : "";
  const verdict = smokeVerdict(payload, answer.FunctionError, smoke.expect);
  return {
    passed: verdict.passed,
    why: verdict.why,
    version,
    status: answer.StatusCode,
    functionError: answer.FunctionError,
    response: shown(payload, SHOWN),
    logTail,
  };
}

/**
 * Invoke failed with an error, not a verdict. A 5xx or a dropped connection is named with
 * Lambda's status and said to have been sent once; a throttle that outlasted every retry
 * is said as such.
 */
function invokeFailed(error: unknown, name: string, version: string): Error {
  if (!(error instanceof UserError)) return error as Error;
  const aws = error.cause ?? error;
  const status = (aws as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const throttled = isThrottle(aws);
  // a 4xx is the user's to fix and says so already (toUserError's hint)
  if (!throttled && status !== undefined && status < 500) return error;
  return new UserError(
    `smoke invocation of ${name}:${version} failed: Lambda answered ${status ? `HTTP ${status}` : "with an error"} (${describeAwsError(aws)})`,
    {
      cause: aws,
      hint: throttled
        ? "Lambda kept throttling the invocation after every retry: raise the function's concurrency or deploy again later; the alias was not moved"
        : "Invoke runs the function, so it was sent once and not retried (a retry could run it twice); the alias was not moved: deploy again when Lambda answers",
    },
  );
}

/** The smoke invocation failed: nothing moved the alias. */
export class SmokeFailed extends UserError {
  constructor(
    readonly smoke: SmokeResult,
    alias: string | undefined,
  ) {
    const tail = smoke.logTail.trim().split("\n").slice(-10).join("\n");
    super(
      [
        `smoke invocation of version ${smoke.version} failed: ${smoke.why ?? "unknown reason"}`,
        `status ${smoke.status ?? "none"}${smoke.functionError ? `, FunctionError ${smoke.functionError}` : ""}; response: ${smoke.response || "(empty)"}`,
        ...(tail ? [`log tail:\n${tail}`] : []),
        alias
          ? `The alias ${alias} was not moved: no traffic reached version ${smoke.version}.`
          : `No alias was asked for: no traffic reached version ${smoke.version} through this deploy.`,
      ].join("\n"),
      { hint: "fix the handler (the log tail shows what it printed), or the smoke-event / smoke-expect inputs" },
    );
  }
}
