// Injected failures: each fault applies to the next `times` calls that match it, oldest fault first.
import { ApiError, type Fault, type Service } from "./types.ts";

export class FaultQueue {
  private readonly pending: { fault: Fault; remaining: number }[] = [];

  add(fault: Fault): void {
    if (!Number.isInteger(fault.times) || fault.times < 1) throw new Error("fault.times must be a positive integer");
    this.pending.push({ fault, remaining: fault.times });
  }

  take(service: Service, operation: string): Fault | undefined {
    const entry = this.pending.find(
      ({ fault, remaining }) =>
        remaining > 0 &&
        (fault.service === undefined || fault.service === service) &&
        (fault.operation === "*" || fault.operation === operation),
    );
    if (!entry) return undefined;
    entry.remaining -= 1;
    if (entry.remaining === 0) this.pending.splice(this.pending.indexOf(entry), 1);
    return entry.fault;
  }
}

/** The error a throttle or server-error fault answers with, in the service's own terms. */
export function faultError(service: Service, fault: Fault): ApiError {
  if (fault.kind === "throttle") {
    if (service === "s3") return new ApiError(503, "SlowDown", "Please reduce your request rate.");
    return new ApiError(429, "TooManyRequestsException", "Rate exceeded", {
      headers: { "Retry-After": String((fault.delayMs ?? 0) / 1000) },
      fields: { Reason: "CallerRateLimitExceeded" },
    });
  }
  if (service === "s3")
    return new ApiError(500, "InternalError", "We encountered an internal error. Please try again.");
  return new ApiError(500, "ServiceException", "An internal error occurred (injected fault).");
}
