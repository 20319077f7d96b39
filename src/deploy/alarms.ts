/**
 * The rollback alarms as CloudWatch reports them. DescribeAlarms returns metric alarms
 * only unless AlarmTypes names both kinds, takes at most 100 AlarmNames per call, and
 * pages its answer with NextToken: every name is asked for, in as many calls as that takes.
 */
import { DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import type { AwsClients } from "./aws.ts";
import type { Call } from "./lambda.ts";

export interface AlarmReading {
  name: string;
  state?: string;
  reason?: string;
}

/** CloudWatch's limit on AlarmNames in one DescribeAlarms call. */
export const NAMES_PER_CALL = 100;
/** Pages read for one call's names: 100 names fit in one page of 100; the bound stops a token that never ends. */
const MAX_PAGES = 10;

/** The named alarms that exist, metric and composite; a name missing from the answer has no alarm. */
export async function describeAlarms(clients: AwsClients, call: Call, names: string[]): Promise<AlarmReading[]> {
  const found: AlarmReading[] = [];
  for (let from = 0; from < names.length; from += NAMES_PER_CALL) {
    const AlarmNames = names.slice(from, from + NAMES_PER_CALL);
    let NextToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const answer = await call("DescribeAlarms", () =>
        clients.cloudwatch.send(
          new DescribeAlarmsCommand({
            AlarmNames,
            AlarmTypes: ["CompositeAlarm", "MetricAlarm"],
            MaxRecords: 100,
            NextToken,
          }),
        ),
      );
      for (const a of [...(answer.MetricAlarms ?? []), ...(answer.CompositeAlarms ?? [])])
        if (a.AlarmName) found.push({ name: a.AlarmName, state: a.StateValue, reason: a.StateReason });
      NextToken = answer.NextToken;
      if (!NextToken) break;
    }
  }
  return found;
}
