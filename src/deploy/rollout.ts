/**
 * Pure: the traffic shift decided in advance (the schedule of the new version's weight
 * on the alias) and the decision at each check from what CloudWatch reported. The apply
 * (shift.ts) only moves the alias, waits and reads metrics as this says.
 */
import { UserError } from "../errors.ts";

export type TrafficShift = { kind: "all-at-once" } | { kind: "canary" | "linear"; percent: number; minutes: number };

/** A GitHub-hosted job runs at most 6 hours: a longer shift could never finish. */
export const MAX_SHIFT_MINUTES = 300;
/** CloudWatch's Lambda metrics come in one-minute periods: checking more often reads nothing new. */
export const CHECK_EVERY_MS = 60_000;

const SHIFT_HINT =
  "write `all-at-once`, `canary PERCENT MINUTES` (e.g. canary 10 5) or `linear PERCENT MINUTES` (e.g. linear 25 2)";

export function parseTrafficShift(text: string): TrafficShift | UserError {
  const words = text.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0 || (words.length === 1 && words[0] === "all-at-once")) return { kind: "all-at-once" };
  const [kind, percentText = "", minutesText = ""] = words;
  if (
    (kind !== "canary" && kind !== "linear") ||
    words.length !== 3 ||
    !/^\d+$/.test(percentText) ||
    !/^\d+$/.test(minutesText)
  ) {
    return new UserError(`input traffic-shift "${text.trim()}" is not a shifting policy`, { hint: SHIFT_HINT });
  }
  const percent = Number(percentText);
  const minutes = Number(minutesText);
  if (percent < 1 || percent > 99) {
    return new UserError(`input traffic-shift: ${percent} % is not between 1 and 99`, {
      hint: "a first share of 100 % is `all-at-once`",
    });
  }
  const shift: TrafficShift = { kind, percent, minutes };
  const total = rolloutSchedule(shift).reduce((sum, step) => sum + step.holdMs, 0) / 60_000;
  if (minutes < 1 || total > MAX_SHIFT_MINUTES) {
    return new UserError(
      `input traffic-shift "${text.trim()}" would take ${total} minutes; it must take between 1 and ${MAX_SHIFT_MINUTES}`,
      { hint: "use a larger percentage or fewer minutes per step" },
    );
  }
  return shift;
}

export interface RolloutStep {
  /** the new version's share of the alias's traffic, 0–1; 1 means the alias points at it */
  weight: number;
  /** how long to watch at this weight before the next step */
  holdMs: number;
}

/** The weights the alias goes through, the last one always 1 (all traffic, no additional weight). */
export function rolloutSchedule(shift: TrafficShift): RolloutStep[] {
  if (shift.kind === "all-at-once") return [{ weight: 1, holdMs: 0 }];
  const holdMs = shift.minutes * 60_000;
  if (shift.kind === "canary")
    return [
      { weight: shift.percent / 100, holdMs },
      { weight: 1, holdMs: 0 },
    ];
  const steps: RolloutStep[] = [];
  for (let percent = shift.percent; percent < 100; percent += shift.percent)
    steps.push({ weight: percent / 100, holdMs });
  steps.push({ weight: 1, holdMs: 0 });
  return steps;
}

/** When to look during a hold: every minute, and at its end. */
export function checkTimes(holdMs: number): number[] {
  const times: number[] = [];
  for (let at = CHECK_EVERY_MS; at < holdMs; at += CHECK_EVERY_MS) times.push(at);
  if (holdMs > 0) times.push(holdMs);
  return times;
}

/** What CloudWatch said about the new version since the shift began. */
export interface Watch {
  errors: number;
  throttles: number;
  invocations: number;
  /** of the rollback-alarms, those in state ALARM, with their reason */
  alarms: { name: string; reason: string }[];
}

export type Decision = { action: "continue" } | { action: "rollback"; reason: string };

/** Any error or throttle of the new version, or any named alarm firing, rolls back. */
export function decide(watch: Watch, at: { version: string; weight: number }): Decision {
  const share = `at ${Math.round(at.weight * 100)} % of the traffic`;
  if (watch.alarms.length > 0) {
    const named = watch.alarms.map((a) => `${a.name} (${a.reason})`).join("; ");
    return { action: "rollback", reason: `alarm in state ALARM ${share}: ${named}` };
  }
  if (watch.errors > 0 || watch.throttles > 0) {
    return {
      action: "rollback",
      reason: `version ${at.version} had ${watch.errors} error(s) and ${watch.throttles} throttle(s) in ${watch.invocations} invocation(s) ${share}`,
    };
  }
  return { action: "continue" };
}
