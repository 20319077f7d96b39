// CloudWatch as @aws-sdk/client-cloudwatch speaks it: AWS JSON 1.0 (X-Amz-Target
// GraniteServiceVersion20100801.*, awsQueryCompatible errors). GetMetricData answers AWS/Lambda
// Invocations / Errors / Throttles from the invocations the emulator ran; DescribeAlarms answers
// the alarms a test set.
import type { LambdaStore } from "./lambda-store.ts";
import { ApiError, type Invocation, type ServiceRequest, type ServiceResponse } from "./types.ts";

const TARGET_PREFIX = "GraniteServiceVersion20100801.";

export interface AlarmState {
  name: string;
  state: "OK" | "ALARM" | "INSUFFICIENT_DATA";
  reason: string;
  type: "MetricAlarm" | "CompositeAlarm";
}

export class CloudWatchStore {
  readonly alarms = new Map<string, AlarmState>();
}

export function cloudWatchOperation(headers: ServiceRequest["headers"]): string {
  const target = headers["x-amz-target"];
  const value = Array.isArray(target) ? target[0] : target;
  return value?.startsWith(TARGET_PREFIX) ? value.slice(TARGET_PREFIX.length) : "Unknown";
}

function cloudWatchError(code: string, message: string, status = 400): ApiError {
  return new ApiError(status, code, message, {
    headers: { "x-amzn-query-error": `${code};${status >= 500 ? "Receiver" : "Sender"}` },
  });
}

const json = (body: unknown): ServiceResponse => ({
  status: 200,
  headers: { "content-type": "application/x-amz-json-1.0" },
  body: JSON.stringify(body),
});

interface Dimension {
  Name: string;
  Value: string;
}

interface Query {
  Id: string;
  MetricStat?: {
    Metric: { Namespace: string; MetricName: string; Dimensions?: Dimension[] };
    Period: number;
    Stat: string;
  };
}

export function handleCloudWatch(
  request: ServiceRequest,
  cloudwatch: CloudWatchStore,
  lambda: LambdaStore,
): ServiceResponse {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(request.body.toString("utf8") || "{}");
  } catch {
    throw cloudWatchError("SerializationException", "Could not parse the request body");
  }
  switch (request.operation) {
    case "GetMetricData":
      return json(getMetricData(body, request.region, lambda));
    case "DescribeAlarms":
      return json(describeAlarms(body, request.region, cloudwatch, lambda.accountId));
  }
  throw cloudWatchError("UnknownOperationException", `${request.operation} is not implemented by the local emulator`);
}

/**
 * As CloudWatch answers: without AlarmTypes, metric alarms only; at most 100 AlarmNames
 * (a ValidationError otherwise); MaxRecords (1–100, default 50) per page, NextToken for the rest.
 */
function describeAlarms(body: Record<string, unknown>, region: string, cloudwatch: CloudWatchStore, accountId: string) {
  const names = body.AlarmNames as string[] | undefined;
  if (names && names.length > 100)
    throw cloudWatchError(
      "ValidationError",
      `1 validation error detected: Value '[${names.join(", ")}]' at 'alarmNames' failed to satisfy constraint: Member must have length less than or equal to 100`,
    );
  const types = (body.AlarmTypes as string[] | undefined) ?? ["MetricAlarm"];
  const max = Number(body.MaxRecords ?? 50);
  if (!Number.isInteger(max) || max < 1 || max > 100)
    throw cloudWatchError("ValidationError", "MaxRecords must be between 1 and 100");
  const start = body.NextToken === undefined ? 0 : Number(body.NextToken);
  if (!Number.isInteger(start) || start < 0) throw cloudWatchError("InvalidNextToken", "The NextToken is not valid");
  const all = [...cloudwatch.alarms.values()]
    .filter((a) => (!names || names.includes(a.name)) && types.includes(a.type))
    .sort((a, b) => a.name.localeCompare(b.name));
  const page = all.slice(start, start + max);
  const shape = (a: AlarmState) => ({
    AlarmName: a.name,
    AlarmArn: `arn:aws:cloudwatch:${region}:${accountId}:alarm:${a.name}`,
    StateValue: a.state,
    StateReason: a.reason,
  });
  return {
    MetricAlarms: page.filter((a) => a.type === "MetricAlarm").map(shape),
    CompositeAlarms: page.filter((a) => a.type === "CompositeAlarm").map(shape),
    ...(start + max < all.length ? { NextToken: String(start + max) } : {}),
  };
}

function getMetricData(body: Record<string, unknown>, region: string, lambda: LambdaStore) {
  const start = Number(body.StartTime) * 1000;
  const end = Number(body.EndTime) * 1000;
  if (!Number.isFinite(start) || !Number.isFinite(end) || end <= start)
    throw cloudWatchError("ValidationError", "The parameter StartTime must be less than the parameter EndTime.");
  const queries = (body.MetricDataQueries as Query[] | undefined) ?? [];
  return {
    MetricDataResults: queries.map((query) => {
      const stat = query.MetricStat;
      if (stat?.Metric.Namespace !== "AWS/Lambda")
        return { Id: query.Id, Label: query.Id, Timestamps: [], Values: [], StatusCode: "Complete" };
      const dims = new Map((stat.Metric.Dimensions ?? []).map((d) => [d.Name, d.Value]));
      const period = stat.Period * 1000;
      const buckets = new Map<number, number>();
      for (const call of lambda.invocations) {
        if (call.region !== region || call.at < start || call.at >= end) continue;
        if (!publishedUnder(call).some((set) => sameDimensions(set, dims))) continue;
        const value =
          stat.Metric.MetricName === "Invocations" ? 1 : stat.Metric.MetricName === "Errors" ? Number(call.error) : 0;
        const bucket = start + Math.floor((call.at - start) / period) * period;
        buckets.set(bucket, (buckets.get(bucket) ?? 0) + value);
      }
      const times = [...buckets.keys()].sort((a, b) => b - a);
      return {
        Id: query.Id,
        Label: stat.Metric.MetricName,
        Timestamps: times.map((t) => t / 1000),
        Values: times.map((t) => buckets.get(t) ?? 0),
        StatusCode: "Complete",
      };
    }),
    Messages: [],
  };
}

/** The dimension sets Lambda publishes an invocation under: by function, by qualifier, and by executed version through an alias. */
function publishedUnder(call: Invocation): Map<string, string>[] {
  const sets = [new Map([["FunctionName", call.functionName]])];
  if (call.resource) {
    sets.push(new Map([...sets[0]!, ["Resource", call.resource]]));
    const qualifier = call.resource.slice(call.resource.lastIndexOf(":") + 1);
    if (!/^(\d+|\$LATEST)$/.test(qualifier))
      sets.push(new Map([...sets[1]!, ["ExecutedVersion", call.executedVersion]]));
  }
  return sets;
}

function sameDimensions(a: Map<string, string>, b: Map<string, string>): boolean {
  return a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
}
