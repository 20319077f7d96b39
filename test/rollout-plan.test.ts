import { describe, expect, it } from "vitest";
import { checkTimes, decide, parseTrafficShift, rolloutSchedule } from "../src/deploy/rollout.ts";
import { containsJson, smokeVerdict } from "../src/deploy/smoke.ts";
import { UserError } from "../src/errors.ts";
import { definitionLine, findModule, parseHandler } from "../src/verify/handler.ts";

describe("traffic-shift: the schedule", () => {
  it("all-at-once is one move to all traffic", () => {
    expect(rolloutSchedule({ kind: "all-at-once" })).toEqual([{ weight: 1, holdMs: 0 }]);
    expect(parseTrafficShift("")).toEqual({ kind: "all-at-once" });
  });
  it("canary 10 5: 10 % for five minutes, then all", () => {
    const shift = parseTrafficShift("canary 10 5");
    expect(shift).toEqual({ kind: "canary", percent: 10, minutes: 5 });
    expect(rolloutSchedule(shift as never)).toEqual([
      { weight: 0.1, holdMs: 300_000 },
      { weight: 1, holdMs: 0 },
    ]);
  });
  it("linear 25 2: +25 % every two minutes", () => {
    expect(rolloutSchedule({ kind: "linear", percent: 25, minutes: 2 }).map((s) => s.weight)).toEqual([
      0.25, 0.5, 0.75, 1,
    ]);
    expect(rolloutSchedule({ kind: "linear", percent: 40, minutes: 1 }).map((s) => s.weight)).toEqual([0.4, 0.8, 1]);
  });
  it("checks every minute of a hold and at its end", () => {
    expect(checkTimes(150_000)).toEqual([60_000, 120_000, 150_000]);
    expect(checkTimes(0)).toEqual([]);
  });
  it.each([
    "canary",
    "canary 10",
    "linear 0 5",
    "canary 100 5",
    "canary 10 0",
    "linear 1 60",
    "blue-green",
    "canary -5 2",
    "canary 10 5 1",
  ])("refuses %s with a hint", (text) => {
    const parsed = parseTrafficShift(text);
    expect(parsed).toBeInstanceOf(UserError);
    expect((parsed as UserError).message).toContain("traffic-shift");
  });
});

describe("traffic-shift: the decision at each check", () => {
  const clean = { errors: 0, throttles: 0, invocations: 40, alarms: [] };
  it("continues while the new version has no error, throttle or alarm", () => {
    expect(decide(clean, { version: "7", weight: 0.1 })).toEqual({ action: "continue" });
  });
  it("rolls back on errors, saying the figures", () => {
    const d = decide({ ...clean, errors: 3 }, { version: "7", weight: 0.1 });
    expect(d).toEqual({
      action: "rollback",
      reason: "version 7 had 3 error(s) and 0 throttle(s) in 40 invocation(s) at 10 % of the traffic",
    });
  });
  it("rolls back on throttles and on an alarm, naming it", () => {
    expect(decide({ ...clean, throttles: 1 }, { version: "7", weight: 0.5 }).action).toBe("rollback");
    const d = decide(
      { ...clean, alarms: [{ name: "p99-latency", reason: "Threshold Crossed" }] },
      { version: "7", weight: 0.25 },
    );
    expect(d.action === "rollback" && d.reason).toContain("p99-latency (Threshold Crossed)");
  });
});

describe("handler: grammar and static check", () => {
  it("parses module paths with / or .", () => {
    expect(parseHandler("orders/api.main")).toMatchObject({
      module: "orders.api",
      modulePath: "orders/api",
      function: "main",
    });
    expect(parseHandler("app.handler")).toMatchObject({ module: "app", function: "handler" });
  });
  it.each(["app", "app.", "../app.handler", "app.handler;rm", "-m.x", "app handler"])("refuses %s", (h) => {
    expect(parseHandler(h)).toBeInstanceOf(UserError);
  });
  it("finds the module in the code first, then in the layer's python/", () => {
    const ref = parseHandler("orders/api.main") as never;
    expect(findModule(ref, new Set(["orders/api/__init__.py"]), new Set())).toEqual({
      zip: "function",
      entry: "orders/api/__init__.py",
    });
    expect(findModule(ref, new Set(), new Set(["python/orders/api.py"]))).toEqual({
      zip: "layer",
      entry: "python/orders/api.py",
    });
    expect(findModule(ref, new Set(["api.py"]), new Set(["orders/api.py"]))).toBeUndefined();
  });
  it("sees top-level def, async def, assignment and import; not nested or comparisons", () => {
    expect(definitionLine("import x\n\ndef handler(event, ctx):\n  pass\n", "handler")).toBe(3);
    expect(definitionLine("async def handler(e, c): ...", "handler")).toBe(1);
    expect(definitionLine("handler = Mangum(app)", "handler")).toBe(1);
    expect(definitionLine("from .api import handler", "handler")).toBe(1);
    expect(definitionLine("class A:\n    def handler(self):\n        pass\nhandler == 1\n", "handler")).toBeUndefined();
    expect(definitionLine("def handler_v2(e, c): ...", "handler")).toBeUndefined();
  });
});

describe("smoke: the verdict", () => {
  it("a FunctionError fails whatever the payload", () => {
    expect(smokeVerdict('{"ok":true}', "Unhandled").passed).toBe(false);
  });
  it("a substring or a JSON fragment must be in the response", () => {
    expect(smokeVerdict('{"statusCode":200,"body":"hi"}', undefined, "hi").passed).toBe(true);
    expect(smokeVerdict('{"statusCode":200,"body":"hi"}', undefined, '{"statusCode":200}').passed).toBe(true);
    expect(smokeVerdict('{"statusCode":500}', undefined, '{"statusCode":200}')).toMatchObject({ passed: false });
    expect(containsJson({ a: [1, { b: 2, c: 3 }] }, { a: [{ b: 2 }] })).toBe(true);
    expect(containsJson({ a: 1 }, { a: "1" })).toBe(false);
  });
});
