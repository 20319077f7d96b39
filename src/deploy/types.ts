/**
 * The deploy's vocabulary: what it is asked (DeployRequest), what AWS reported before
 * any change (Observed), and what the plan decided (DeployPlan). The plan, the routes,
 * the read-only calls and the apply all speak it; none of them defines it.
 */
import type { UserError } from "../errors.ts";
import type { Target } from "../target.ts";
import type { ZipResult } from "../zip/writer.ts";
import type { TrafficShift } from "./rollout.ts";
import type { SmokeRequest } from "./smoke.ts";

export type S3Upload = "auto" | "always" | "never";

export interface DeployRequest {
  target: Target;
  functionName?: string;
  /** a layer name or a layer ARN without a version */
  layerName?: string;
  attachLayer: boolean;
  /** existing layer versions to attach too, each replacing an older version of the same layer */
  layerArns?: string[];
  s3: { bucket?: string; prefix: string; upload: S3Upload };
  publish: boolean;
  alias?: string;
  functionZip?: ZipResult;
  layerZip?: ZipResult;
  cacheKey: string;
  /** the `handler` input: the function's configured Handler must be this one */
  handler?: string;
  /** entry names of the new zips: the configured handler's module must be in one of them */
  entries?: { function: ReadonlySet<string>; layer: ReadonlySet<string> };
  smoke?: SmokeRequest;
  /** default all-at-once */
  trafficShift?: TrafficShift;
  rollbackAlarms?: string[];
}

export interface ObservedLayer {
  /** a layer version ARN */
  arn: string;
  /** zipped bytes: Lambda reports no unzipped size for a layer it holds */
  codeSize?: number;
}

/** GetFunction's configuration, in the terms the plan needs. */
export interface ObservedFunction {
  functionArn: string;
  codeSha256?: string;
  codeSize?: number;
  layers: ObservedLayer[];
  architecture: string;
  packageType: string;
  runtime?: string;
  handler?: string;
  /** seconds */
  timeout?: number;
  /** neither Pending nor InProgress when read */
  idle: boolean;
  revisionId?: string;
}

export interface ObservedAlias {
  aliasArn?: string;
  functionVersion?: string;
  revisionId?: string;
  /** the code and layers of the version the alias points at */
  codeSha256?: string;
  layers: string[];
}

/** What AWS reported before any change. */
export interface Observed {
  region: string;
  function?: ObservedFunction | "missing";
  /** the newest version of our own layer, if any */
  newestLayer?: { arn: string; version: number; codeSha256?: string };
  /** the `layers` input entries as GetLayerVersionByArn reported them */
  inputLayers: (ObservedLayer & { exists: boolean })[];
  /** read when a zip goes through S3; region undefined when S3 did not say */
  bucket?: { exists: false } | { exists: true; region?: string };
  alias?: ObservedAlias | "missing";
  /** the rollback-alarms as DescribeAlarms reported them */
  alarms?: { name: string; state?: string }[];
}

export type Route = "direct" | "s3";

export interface Upload {
  zip: ZipResult;
  route: Route;
  /** set when the route is s3 */
  s3?: { bucket: string; key: string; uri: string };
}

/** One entry of the function's layer list after attaching. */
export interface LayerSlot {
  /** undefined for our own layer while its new version is not published yet */
  arn?: string;
  baseArn: string;
  own: boolean;
  /** unzipped bytes where known (our layer), else the zipped size: a lower bound */
  size: number;
}

export interface DeployPlan {
  refusals: UserError[];
  warnings: string[];
  layer?: {
    name: string;
    zip: ZipResult;
    /** the newest version already holds these bytes */
    reuse?: { arn: string; version: number };
    upload?: Upload;
    description: string;
  };
  function?: {
    name: string;
    arn: string;
    /** undefined when the function already runs these bytes */
    code?: Upload;
    layersBefore: string[];
    layersAfter: LayerSlot[];
    layersChange: boolean;
    /** the smaller total first, so the intermediate state is the lighter one */
    codeFirst: boolean;
    unzippedTotal: number;
    /** the RevisionId to lock the first update with, when the function was idle at the start */
    revisionId?: string;
  };
  /** undefined: neither publish nor alias asked for */
  release?: {
    alias?: string;
    existingAlias?: ObservedAlias;
    /** nothing changes and the alias already points at a version with this code and these layers */
    alreadyThere: boolean;
    smoke?: SmokeRequest;
    /** seconds the smoke invocation may take: the function's timeout and a margin */
    smokeTimeoutMs: number;
    shift: TrafficShift;
    alarms: string[];
  };
}
