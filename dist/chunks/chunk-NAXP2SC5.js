import { createRequire as __lppCreateRequire } from 'node:module'; const require = __lppCreateRequire(import.meta.url);
import {
  UserError
} from "./chunk-LYXEWKKS.js";

// src/deploy/rollout.ts
var MAX_SHIFT_MINUTES = 300;
var CHECK_EVERY_MS = 6e4;
var SHIFT_HINT = "write `all-at-once`, `canary PERCENT MINUTES` (e.g. canary 10 5) or `linear PERCENT MINUTES` (e.g. linear 25 2)";
function parseTrafficShift(text) {
  const words = text.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0 || words.length === 1 && words[0] === "all-at-once") return { kind: "all-at-once" };
  const [kind, percentText = "", minutesText = ""] = words;
  if (kind !== "canary" && kind !== "linear" || words.length !== 3 || !/^\d+$/.test(percentText) || !/^\d+$/.test(minutesText)) {
    return new UserError(`input traffic-shift "${text.trim()}" is not a shifting policy`, { hint: SHIFT_HINT });
  }
  const percent = Number(percentText);
  const minutes = Number(minutesText);
  if (percent < 1 || percent > 99) {
    return new UserError(`input traffic-shift: ${percent} % is not between 1 and 99`, {
      hint: "a first share of 100 % is `all-at-once`"
    });
  }
  const shift = { kind, percent, minutes };
  const total = rolloutSchedule(shift).reduce((sum, step) => sum + step.holdMs, 0) / 6e4;
  if (minutes < 1 || total > MAX_SHIFT_MINUTES) {
    return new UserError(
      `input traffic-shift "${text.trim()}" would take ${total} minutes; it must take between 1 and ${MAX_SHIFT_MINUTES}`,
      { hint: "use a larger percentage or fewer minutes per step" }
    );
  }
  return shift;
}
function rolloutSchedule(shift) {
  if (shift.kind === "all-at-once") return [{ weight: 1, holdMs: 0 }];
  const holdMs = shift.minutes * 6e4;
  if (shift.kind === "canary")
    return [
      { weight: shift.percent / 100, holdMs },
      { weight: 1, holdMs: 0 }
    ];
  const steps = [];
  for (let percent = shift.percent; percent < 100; percent += shift.percent)
    steps.push({ weight: percent / 100, holdMs });
  steps.push({ weight: 1, holdMs: 0 });
  return steps;
}
function checkTimes(holdMs) {
  const times = [];
  for (let at = CHECK_EVERY_MS; at < holdMs; at += CHECK_EVERY_MS) times.push(at);
  if (holdMs > 0) times.push(holdMs);
  return times;
}
function decide(watch, at) {
  const share = `at ${Math.round(at.weight * 100)} % of the traffic`;
  if (watch.alarms.length > 0) {
    const named = watch.alarms.map((a) => `${a.name} (${a.reason})`).join("; ");
    return { action: "rollback", reason: `alarm in state ALARM ${share}: ${named}` };
  }
  if (watch.errors > 0 || watch.throttles > 0) {
    return {
      action: "rollback",
      reason: `version ${at.version} had ${watch.errors} error(s) and ${watch.throttles} throttle(s) in ${watch.invocations} invocation(s) ${share}`
    };
  }
  return { action: "continue" };
}

export {
  parseTrafficShift,
  rolloutSchedule,
  checkTimes,
  decide
};
