/**
 * The traffic shift carried out: move the alias's weights as the schedule says, watch
 * the new version between steps, and put the alias back on the previous version (no
 * additional weight) on a breach or on cancellation. Waits go through an injectable
 * clock, so tests run the minutes instantly.
 */
import { GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { UpdateAliasCommand } from "@aws-sdk/client-lambda";
import { UserError } from "../errors.ts";
import type { Log } from "../log.ts";
import { describeAlarms } from "./alarms.ts";
import type { AwsClients } from "./aws.ts";
import type { Call } from "./lambda.ts";
import { checkTimes, decide, rolloutSchedule, type TrafficShift, type Watch } from "./rollout.ts";

export interface ShiftClock {
  /** resolves early when the signal aborts */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  now(): number;
}

export const realClock: ShiftClock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      }
      signal?.addEventListener("abort", done, { once: true });
    }),
};

export interface TimelineEntry {
  /** milliseconds since the shift began */
  atMs: number;
  /** the new version's share after this entry */
  weight: number;
  event: string;
}

export interface RolloutResult {
  outcome: "completed" | "rolled-back";
  previousVersion: string;
  version: string;
  timeline: TimelineEntry[];
  reason?: string;
}

export interface ShiftRequest {
  name: string;
  alias: string;
  previous: string;
  next: string;
  revisionId?: string;
  shift: TrafficShift;
  alarms: string[];
}

export async function shiftTraffic(
  request: ShiftRequest,
  clients: AwsClients,
  call: Call,
  clock: ShiftClock,
  log: Log,
  signal?: AbortSignal,
): Promise<RolloutResult & { aliasArn?: string }> {
  const { name, alias, previous, next } = request;
  const start = clock.now();
  const timeline: TimelineEntry[] = [];
  let revisionId = request.revisionId;
  let aliasArn: string | undefined;
  const note = (weight: number, event: string) => {
    timeline.push({ atMs: clock.now() - start, weight, event });
    log.info(`Traffic shift ${alias}: ${event}`);
  };
  const move = async (weight: number) => {
    const updated = await call("UpdateAlias", () =>
      clients.lambda.send(
        new UpdateAliasCommand({
          FunctionName: name,
          Name: alias,
          FunctionVersion: weight === 1 ? next : previous,
          RoutingConfig: { AdditionalVersionWeights: weight === 1 ? {} : { [next]: weight } },
          RevisionId: revisionId,
        }),
      ),
    );
    revisionId = updated.RevisionId;
    aliasArn = updated.AliasArn;
  };
  const rollBack = async (reason: string): Promise<never> => {
    // no RevisionId: putting the alias back must not lose to a lock
    await call("UpdateAlias", () =>
      clients.lambda.send(
        new UpdateAliasCommand({
          FunctionName: name,
          Name: alias,
          FunctionVersion: previous,
          RoutingConfig: { AdditionalVersionWeights: {} },
        }),
      ),
    );
    note(0, `rolled back to version ${previous}: ${reason}`);
    throw new RolloutFailed(
      { outcome: "rolled-back", previousVersion: previous, version: next, timeline, reason },
      alias,
    );
  };

  for (const step of rolloutSchedule(request.shift)) {
    if (signal?.aborted) await rollBack("the job was cancelled");
    try {
      await move(step.weight);
    } catch (error) {
      // a failed move mid-shift must not leave part of the traffic on the new version
      if (step.weight === 1 || timeline.length === 0) throw error;
      await rollBack(`UpdateAlias failed: ${(error as Error).message}`);
    }
    note(
      step.weight,
      step.weight === 1
        ? `version ${next} takes all traffic`
        : `version ${next} takes ${Math.round(step.weight * 100)} % for ${step.holdMs / 60_000} min`,
    );
    let waited = 0;
    for (const at of checkTimes(step.holdMs)) {
      await clock.sleep(at - waited, signal);
      waited = at;
      if (signal?.aborted) await rollBack("the job was cancelled during the shift");
      const watch = await readWatch(clients, call, request, start, clock.now());
      const decision = decide(watch, { version: next, weight: step.weight });
      log.info(
        `Traffic shift ${alias}: ${Math.round(step.weight * 100)} %, ${at / 60_000} of ${step.holdMs / 60_000} min: ${watch.invocations} invocation(s), ${watch.errors} error(s), ${watch.throttles} throttle(s) of version ${next}${request.alarms.length ? `; alarms in ALARM: ${watch.alarms.length}` : ""}`,
      );
      if (decision.action === "rollback") await rollBack(decision.reason);
    }
  }
  return { outcome: "completed", previousVersion: previous, version: next, timeline, aliasArn };
}

/** The new version's figures through the alias since the shift began, and the named alarms that fire. */
async function readWatch(
  clients: AwsClients,
  call: Call,
  request: ShiftRequest,
  start: number,
  now: number,
): Promise<Watch> {
  const dimensions = [
    { Name: "FunctionName", Value: request.name },
    { Name: "Resource", Value: `${request.name}:${request.alias}` },
    { Name: "ExecutedVersion", Value: request.next },
  ];
  const metric = (id: string, metricName: string) => ({
    Id: id,
    MetricStat: {
      Metric: { Namespace: "AWS/Lambda", MetricName: metricName, Dimensions: dimensions },
      Period: 60,
      Stat: "Sum",
    },
    ReturnData: true,
  });
  const minute = 60_000;
  const data = await call("GetMetricData", () =>
    clients.cloudwatch.send(
      new GetMetricDataCommand({
        MetricDataQueries: [
          metric("errors", "Errors"),
          metric("throttles", "Throttles"),
          metric("invocations", "Invocations"),
        ],
        StartTime: new Date(Math.floor(start / minute) * minute),
        EndTime: new Date(Math.ceil(now / minute) * minute + minute),
      }),
    ),
  );
  const sum = (id: string) =>
    (data.MetricDataResults ?? [])
      .filter((r) => r.Id === id)
      .flatMap((r) => r.Values ?? [])
      .reduce((a, b) => a + b, 0);
  const alarms: Watch["alarms"] = [];
  for (const a of await describeAlarms(clients, call, request.alarms))
    if (a.state === "ALARM") alarms.push({ name: a.name, reason: a.reason ?? "no reason given" });
  return { errors: sum("errors"), throttles: sum("throttles"), invocations: sum("invocations"), alarms };
}

/** The shift stopped and the alias is back on the previous version. */
export class RolloutFailed extends UserError {
  constructor(
    readonly rollout: RolloutResult,
    alias: string,
  ) {
    super(
      `traffic shift of ${alias} to version ${rollout.version} rolled back: ${rollout.reason}. ${alias} points at version ${rollout.previousVersion} again, with no additional weight`,
      { hint: "look at the new version's errors in CloudWatch Logs, fix them and deploy again" },
    );
  }
}
