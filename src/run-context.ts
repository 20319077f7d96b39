/**
 * What the build and the action run with besides the inputs: the log, the environment,
 * and the stand-ins tests and the demo pass (local AWS clients, a clock that does not
 * wait). Its own file, so that build.ts and run.ts both stand on it, not on each other.
 */
import type { AwsClients, RetryPolicy } from "./deploy/aws.ts";
import type { ShiftClock } from "./deploy/shift.ts";
import type { Log } from "./log.ts";

export interface RunContext {
  log: Log;
  env: NodeJS.ProcessEnv;
  /** AWS clients for a region; tests and the demo point them at the local AWS */
  awsClients?: (region: string) => AwsClients;
  retryPolicy?: RetryPolicy;
  /** the traffic shift's waits; tests pass one that does not wait */
  clock?: ShiftClock;
  /** aborted when the job is cancelled: a traffic shift in progress rolls back */
  signal?: AbortSignal;
}
