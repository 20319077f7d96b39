// Shapes shared by the emulator's modules and its public API.
import type { IncomingHttpHeaders } from "node:http";

export type Service = "lambda" | "s3" | "monitoring";

export interface Fault {
  service?: Service;
  operation: string | "*";
  kind: "throttle" | "server-error" | "reset" | "slow";
  times: number;
  /** slow: how long to wait before answering; throttle: the Retry-After value (default 0). */
  delayMs?: number;
}

export interface RecordedCall {
  service: Service;
  operation: string;
  region: string;
  /** HTTP status sent; 0 while in flight or when the connection was reset without a response. */
  status: number;
}

/** Code and configuration of $LATEST or of a published version: what PublishVersion snapshots. */
export interface FunctionContent {
  runtime?: string;
  handler?: string;
  role: string;
  description: string;
  timeout: number;
  memorySize: number;
  architecture: "x86_64" | "arm64";
  packageType: "Zip" | "Image";
  imageUri?: string;
  environment?: Record<string, string>;
  /** Layer version ARNs, in order. */
  layers: string[];
  zip: Buffer;
  /** base64 SHA-256 of the zip bytes. */
  codeSha256: string;
  codeSize: number;
  /** Sum of the uncompressed sizes in the zip's central directory (function code only). */
  unzippedSize: number;
  /** Any other configuration field a caller supplied (VpcConfig, KMSKeyArn, ...), stored verbatim. */
  otherConfig: Record<string, unknown>;
}

export interface FunctionVersionState extends FunctionContent {
  version: string;
  arn: string;
  revisionId: string;
  state: "Pending" | "Active";
  lastModified: string;
}

export interface AliasState {
  name: string;
  arn: string;
  functionVersion: string;
  description: string;
  revisionId: string;
  routingConfig?: unknown;
}

export interface FunctionState extends FunctionContent {
  name: string;
  region: string;
  accountId: string;
  arn: string;
  revisionId: string;
  lastModified: string;
  state: "Pending" | "Active";
  stateReason?: string;
  stateReasonCode?: string;
  lastUpdateStatus?: "InProgress" | "Successful" | "Failed";
  lastUpdateStatusReason?: string;
  lastUpdateStatusReasonCode?: string;
  versions: FunctionVersionState[];
  aliases: AliasState[];
}

export interface LayerVersionState {
  layerName: string;
  region: string;
  layerArn: string;
  layerVersionArn: string;
  version: number;
  description: string;
  licenseInfo?: string;
  compatibleRuntimes: string[];
  compatibleArchitectures: string[];
  zip: Buffer;
  codeSha256: string;
  codeSize: number;
  unzippedSize: number;
  createdDate: string;
}

export interface FunctionSpec {
  name: string;
  region: string;
  runtime?: string;
  architecture?: "x86_64" | "arm64";
  packageType?: "Zip" | "Image";
  handler?: string;
  zip?: Buffer;
  layers?: string[];
  environment?: Record<string, string>;
}

/** One parsed request, as a service handler sees it. */
export interface ServiceRequest {
  method: string;
  rawPath: string;
  query: [string, string][];
  headers: IncomingHttpHeaders;
  body: Buffer;
  region: string;
  operation: string;
}

export interface ServiceResponse {
  status: number;
  headers?: Record<string, string>;
  body?: Buffer | string;
}

/** An error answer, rendered by each service in its own wire shape. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: { headers?: Record<string, string>; fields?: Record<string, string> } = {},
  ) {
    super(message);
  }
}

/** One invocation, as CloudWatch's AWS/Lambda metrics count it. */
export interface Invocation {
  region: string;
  functionName: string;
  /** `name:qualifier` when invoked through a qualifier */
  resource?: string;
  executedVersion: string;
  at: number;
  error: boolean;
}
