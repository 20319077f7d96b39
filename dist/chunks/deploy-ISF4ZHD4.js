import { createRequire as __lppCreateRequire } from 'node:module'; const require = __lppCreateRequire(import.meta.url);
import {
  checkTimes,
  decide,
  rolloutSchedule
} from "./chunk-NAXP2SC5.js";
import {
  findModule,
  looksLikeJson,
  parseHandler
} from "./chunk-26PJGCCU.js";
import {
  DIRECT_UPLOAD_LIMIT,
  UNZIPPED_LIMIT,
  formatMB
} from "./chunk-CYE4DHQG.js";
import {
  describeAwsError,
  init_protocols,
  isThrottle,
  protocols_exports,
  require_dist_cjs,
  require_dist_cjs2,
  require_dist_cjs3,
  toUserError,
  withRetry
} from "./chunk-IUD7GM4C.js";
import {
  cutText,
  redactEdges
} from "./chunk-HCMR2GAL.js";
import {
  UserError,
  throwAll
} from "./chunk-LYXEWKKS.js";
import {
  append
} from "./chunk-SJ6SIYOC.js";
import {
  endpoints_exports,
  init_endpoints
} from "./chunk-52GMXU76.js";
import {
  __commonJS,
  __require,
  __toCommonJS,
  __toESM
} from "./chunk-QK3BG52E.js";

// node_modules/@aws-sdk/lib-storage/dist-cjs/index.js
var require_dist_cjs4 = __commonJS({
  "node_modules/@aws-sdk/lib-storage/dist-cjs/index.js"(exports) {
    var { PutObjectCommand, ChecksumAlgorithm, CreateMultipartUploadCommand, AbortMultipartUploadCommand, UploadPartCommand, CompleteMultipartUploadCommand, PutObjectTaggingCommand } = require_dist_cjs3();
    var { toEndpointV1, getEndpointFromInstructions } = (init_endpoints(), __toCommonJS(endpoints_exports));
    var { extendedEncodeURIComponent } = (init_protocols(), __toCommonJS(protocols_exports));
    var { EventEmitter } = __require("events");
    var { Buffer: Buffer2 } = __require("buffer");
    var { statSync, ReadStream } = __require("node:fs");
    var { Readable } = __require("stream");
    var runtimeConfigShared = {
      statSync: () => {
      },
      isFileReadStream(f) {
        return false;
      }
    };
    var runtimeConfig = {
      ...runtimeConfigShared,
      runtime: "node",
      statSync,
      isFileReadStream(f) {
        return f instanceof ReadStream;
      }
    };
    var byteLength = (input) => {
      if (input == null) {
        return 0;
      }
      if (typeof input === "string") {
        return Buffer2.byteLength(input);
      }
      if (typeof input.byteLength === "number") {
        return input.byteLength;
      } else if (typeof input.length === "number") {
        return input.length;
      } else if (typeof input.size === "number") {
        return input.size;
      } else if (typeof input.start === "number" && typeof input.end === "number") {
        return input.end + 1 - input.start;
      } else if (runtimeConfig.isFileReadStream(input)) {
        try {
          return runtimeConfig.statSync(input.path).size;
        } catch (error) {
          return void 0;
        }
      }
      return void 0;
    };
    var BYTE_LENGTH_SOURCE;
    (function(BYTE_LENGTH_SOURCE2) {
      BYTE_LENGTH_SOURCE2["EMPTY_INPUT"] = "a null or undefined Body";
      BYTE_LENGTH_SOURCE2["CONTENT_LENGTH"] = "the ContentLength property of the params set by the caller";
      BYTE_LENGTH_SOURCE2["STRING_LENGTH"] = "the encoded byte length of the Body string";
      BYTE_LENGTH_SOURCE2["TYPED_ARRAY"] = "the byteLength of a typed byte array such as Uint8Array";
      BYTE_LENGTH_SOURCE2["LENGTH"] = "the value of Body.length";
      BYTE_LENGTH_SOURCE2["SIZE"] = "the value of Body.size";
      BYTE_LENGTH_SOURCE2["START_END_DIFF"] = "the numeric difference between Body.start and Body.end";
      BYTE_LENGTH_SOURCE2["STAT"] = "the size of the file given by Body.path on disk as reported by statSync";
    })(BYTE_LENGTH_SOURCE || (BYTE_LENGTH_SOURCE = {}));
    var byteLengthSource = (input, override) => {
      if (override != null) {
        return BYTE_LENGTH_SOURCE.CONTENT_LENGTH;
      }
      if (input == null) {
        return BYTE_LENGTH_SOURCE.EMPTY_INPUT;
      }
      if (typeof input === "string") {
        return BYTE_LENGTH_SOURCE.STRING_LENGTH;
      }
      if (typeof input.byteLength === "number") {
        return BYTE_LENGTH_SOURCE.TYPED_ARRAY;
      } else if (typeof input.length === "number") {
        return BYTE_LENGTH_SOURCE.LENGTH;
      } else if (typeof input.size === "number") {
        return BYTE_LENGTH_SOURCE.SIZE;
      } else if (typeof input.start === "number" && typeof input.end === "number") {
        return BYTE_LENGTH_SOURCE.START_END_DIFF;
      } else if (runtimeConfig.isFileReadStream(input)) {
        try {
          runtimeConfig.statSync(input.path).size;
          return BYTE_LENGTH_SOURCE.STAT;
        } catch (error) {
          return void 0;
        }
      }
      return void 0;
    };
    async function* getChunkStream(data, partSize, getNextData) {
      let partNumber = 1;
      const currentBuffer = { chunks: [], length: 0 };
      for await (const datum of getNextData(data)) {
        currentBuffer.chunks.push(datum);
        currentBuffer.length += datum.byteLength;
        while (currentBuffer.length > partSize) {
          const dataChunk = currentBuffer.chunks.length > 1 ? Buffer2.concat(currentBuffer.chunks) : currentBuffer.chunks[0];
          yield {
            partNumber,
            data: dataChunk.subarray(0, partSize)
          };
          currentBuffer.chunks = [dataChunk.subarray(partSize)];
          currentBuffer.length = currentBuffer.chunks[0].byteLength;
          partNumber += 1;
        }
      }
      yield {
        partNumber,
        data: currentBuffer.chunks.length !== 1 ? Buffer2.concat(currentBuffer.chunks) : currentBuffer.chunks[0],
        lastPart: true
      };
    }
    async function* getChunkUint8Array(data, partSize) {
      let partNumber = 1;
      let startByte = 0;
      let endByte = partSize;
      while (endByte < data.byteLength) {
        yield {
          partNumber,
          data: data.subarray(startByte, endByte)
        };
        partNumber += 1;
        startByte = endByte;
        endByte = startByte + partSize;
      }
      yield {
        partNumber,
        data: data.subarray(startByte),
        lastPart: true
      };
    }
    async function* getDataReadable(data) {
      for await (const chunk of data) {
        if (Buffer2.isBuffer(chunk) || chunk instanceof Uint8Array) {
          yield chunk;
        } else {
          yield Buffer2.from(chunk);
        }
      }
    }
    async function* getDataReadableStream(data) {
      const reader = data.getReader();
      try {
        while (true) {
          const { done, value } = await reader.read();
          if (done) {
            return;
          }
          if (Buffer2.isBuffer(value) || value instanceof Uint8Array) {
            yield value;
          } else {
            yield Buffer2.from(value);
          }
        }
      } catch (e) {
        throw e;
      } finally {
        reader.releaseLock();
      }
    }
    var getChunk = (data, partSize) => {
      if (data instanceof Uint8Array) {
        return getChunkUint8Array(data, partSize);
      }
      if (data instanceof Readable) {
        return getChunkStream(data, partSize, getDataReadable);
      }
      if (data instanceof String || typeof data === "string") {
        return getChunkUint8Array(Buffer2.from(data), partSize);
      }
      if (typeof data.stream === "function") {
        return getChunkStream(data.stream(), partSize, getDataReadableStream);
      }
      if (data instanceof ReadableStream) {
        return getChunkStream(data, partSize, getDataReadableStream);
      }
      throw new Error("Body Data is unsupported format, expected data to be one of: string | Uint8Array | Buffer | Readable | ReadableStream | Blob;.");
    };
    var Upload2 = class _Upload extends EventEmitter {
      static MIN_PART_SIZE = 1024 * 1024 * 5;
      MAX_PARTS = 1e4;
      queueSize = 4;
      partSize;
      leavePartsOnError = false;
      tags = [];
      client;
      params;
      totalBytes;
      totalBytesSource;
      bytesUploadedSoFar;
      abortController;
      concurrentUploaders = [];
      createMultiPartPromise;
      abortMultipartUploadCommand = null;
      uploadedParts = [];
      uploadEnqueuedPartsCount = 0;
      expectedPartsCount;
      uploadId;
      uploadEvent;
      isMultiPart = true;
      singleUploadResult;
      sent = false;
      constructor(options) {
        super();
        this.queueSize = options.queueSize || this.queueSize;
        this.leavePartsOnError = options.leavePartsOnError || this.leavePartsOnError;
        this.tags = options.tags || this.tags;
        this.client = options.client;
        this.params = options.params;
        if (!this.params) {
          throw new Error(`InputError: Upload requires params to be passed to upload.`);
        }
        this.totalBytes = this.params.ContentLength ?? byteLength(this.params.Body);
        this.totalBytesSource = byteLengthSource(this.params.Body, this.params.ContentLength);
        this.bytesUploadedSoFar = 0;
        this.abortController = options.abortController ?? new AbortController();
        this.partSize = options.partSize || Math.max(_Upload.MIN_PART_SIZE, Math.ceil((this.totalBytes || 0) / this.MAX_PARTS));
        if (this.totalBytes !== void 0) {
          this.expectedPartsCount = Math.ceil(this.totalBytes / this.partSize);
        }
        this.__validateInput();
      }
      async abort() {
        this.abortController.abort();
      }
      async done() {
        if (this.sent) {
          throw new Error("@aws-sdk/lib-storage: this instance of Upload has already executed .done(). Create a new instance.");
        }
        this.sent = true;
        return await Promise.race([this.__doMultipartUpload(), this.__abortTimeout(this.abortController.signal)]);
      }
      on(event, listener) {
        this.uploadEvent = event;
        return super.on(event, listener);
      }
      async __uploadUsingPut(dataPart) {
        this.isMultiPart = false;
        const params = { ...this.params, Body: dataPart.data };
        const clientConfig = this.client.config;
        const requestHandler = clientConfig.requestHandler;
        const eventEmitter = requestHandler instanceof EventEmitter ? requestHandler : null;
        const uploadEventListener = (event) => {
          this.bytesUploadedSoFar = event.loaded;
          this.totalBytes = event.total;
          this.__notifyProgress({
            loaded: this.bytesUploadedSoFar,
            total: this.totalBytes,
            part: dataPart.partNumber,
            Key: this.params.Key,
            Bucket: this.params.Bucket
          });
        };
        if (eventEmitter !== null) {
          eventEmitter.on("xhr.upload.progress", uploadEventListener);
        }
        const resolved = await Promise.all([this.client.send(new PutObjectCommand(params)), clientConfig?.endpoint?.()]);
        const putResult = resolved[0];
        let endpoint = resolved[1];
        if (!endpoint) {
          endpoint = toEndpointV1(await getEndpointFromInstructions(params, PutObjectCommand, {
            ...clientConfig
          }));
        }
        if (!endpoint) {
          throw new Error('Could not resolve endpoint from S3 "client.config.endpoint()" nor EndpointsV2.');
        }
        if (eventEmitter !== null) {
          eventEmitter.off("xhr.upload.progress", uploadEventListener);
        }
        const locationKey = this.params.Key.split("/").map((segment) => extendedEncodeURIComponent(segment)).join("/");
        const locationBucket = extendedEncodeURIComponent(this.params.Bucket);
        const Location = (() => {
          const endpointHostnameIncludesBucket = endpoint.hostname.startsWith(`${locationBucket}.`);
          const forcePathStyle = this.client.config.forcePathStyle;
          const optionalPort = endpoint.port ? `:${endpoint.port}` : ``;
          if (forcePathStyle) {
            return `${endpoint.protocol}//${endpoint.hostname}${optionalPort}/${locationBucket}/${locationKey}`;
          }
          if (endpointHostnameIncludesBucket) {
            return `${endpoint.protocol}//${endpoint.hostname}${optionalPort}/${locationKey}`;
          }
          return `${endpoint.protocol}//${locationBucket}.${endpoint.hostname}${optionalPort}/${locationKey}`;
        })();
        this.singleUploadResult = {
          ...putResult,
          Bucket: this.params.Bucket,
          Key: this.params.Key,
          Location
        };
        const totalSize = byteLength(dataPart.data);
        this.__notifyProgress({
          loaded: totalSize,
          total: totalSize,
          part: 1,
          Key: this.params.Key,
          Bucket: this.params.Bucket
        });
      }
      async __createMultipartUpload() {
        const requestChecksumCalculation = await this.client.config.requestChecksumCalculation();
        if (!this.createMultiPartPromise) {
          const createCommandParams = { ...this.params, Body: void 0 };
          if (requestChecksumCalculation === "WHEN_SUPPORTED") {
            createCommandParams.ChecksumAlgorithm = this.params.ChecksumAlgorithm || ChecksumAlgorithm.CRC32;
          }
          this.createMultiPartPromise = this.client.send(new CreateMultipartUploadCommand(createCommandParams)).then((createMpuResponse) => {
            this.abortMultipartUploadCommand = new AbortMultipartUploadCommand({
              Bucket: this.params.Bucket,
              Key: this.params.Key,
              UploadId: createMpuResponse.UploadId
            });
            return createMpuResponse;
          });
        }
        return this.createMultiPartPromise;
      }
      async __doConcurrentUpload(dataFeeder) {
        for await (const dataPart of dataFeeder) {
          if (this.uploadEnqueuedPartsCount > this.MAX_PARTS) {
            throw new Error(`Exceeded ${this.MAX_PARTS} parts in multipart upload to Bucket: ${this.params.Bucket} Key: ${this.params.Key}.`);
          }
          if (this.abortController.signal.aborted) {
            return;
          }
          if (dataPart.partNumber === 1 && dataPart.lastPart) {
            return await this.__uploadUsingPut(dataPart);
          }
          if (!this.uploadId) {
            const { UploadId } = await this.__createMultipartUpload();
            this.uploadId = UploadId;
            if (this.abortController.signal.aborted) {
              return;
            }
          }
          const partSize = byteLength(dataPart.data) || 0;
          const requestHandler = this.client.config.requestHandler;
          const eventEmitter = requestHandler instanceof EventEmitter ? requestHandler : null;
          let lastSeenBytes = 0;
          const uploadEventListener = (event, request) => {
            const requestPartSize = Number(request.query["partNumber"]) || -1;
            if (requestPartSize !== dataPart.partNumber) {
              return;
            }
            if (event.total && partSize) {
              this.bytesUploadedSoFar += event.loaded - lastSeenBytes;
              lastSeenBytes = event.loaded;
            }
            this.__notifyProgress({
              loaded: this.bytesUploadedSoFar,
              total: this.totalBytes,
              part: dataPart.partNumber,
              Key: this.params.Key,
              Bucket: this.params.Bucket
            });
          };
          if (eventEmitter !== null) {
            eventEmitter.on("xhr.upload.progress", uploadEventListener);
          }
          this.uploadEnqueuedPartsCount += 1;
          this.__validateUploadPart(dataPart);
          const partResult = await this.client.send(new UploadPartCommand({
            ...this.params,
            ContentLength: void 0,
            UploadId: this.uploadId,
            Body: dataPart.data,
            PartNumber: dataPart.partNumber
          }));
          if (eventEmitter !== null) {
            eventEmitter.off("xhr.upload.progress", uploadEventListener);
          }
          if (this.abortController.signal.aborted) {
            return;
          }
          if (!partResult.ETag) {
            throw new Error(`Part ${dataPart.partNumber} is missing ETag in UploadPart response. Missing Bucket CORS configuration for ETag header?`);
          }
          this.uploadedParts.push({
            PartNumber: dataPart.partNumber,
            ETag: partResult.ETag,
            ...partResult.ChecksumCRC32 && { ChecksumCRC32: partResult.ChecksumCRC32 },
            ...partResult.ChecksumCRC32C && { ChecksumCRC32C: partResult.ChecksumCRC32C },
            ...partResult.ChecksumCRC64NVME && { ChecksumCRC64NVME: partResult.ChecksumCRC64NVME },
            ...partResult.ChecksumSHA1 && { ChecksumSHA1: partResult.ChecksumSHA1 },
            ...partResult.ChecksumSHA256 && { ChecksumSHA256: partResult.ChecksumSHA256 }
          });
          if (eventEmitter === null) {
            this.bytesUploadedSoFar += partSize;
          }
          this.__notifyProgress({
            loaded: this.bytesUploadedSoFar,
            total: this.totalBytes,
            part: dataPart.partNumber,
            Key: this.params.Key,
            Bucket: this.params.Bucket
          });
        }
      }
      async __doMultipartUpload() {
        const dataFeeder = getChunk(this.params.Body, this.partSize);
        const concurrentUploaderFailures = [];
        for (let index = 0; index < this.queueSize; index++) {
          const currentUpload = this.__doConcurrentUpload(dataFeeder).catch((err) => {
            concurrentUploaderFailures.push(err);
          });
          this.concurrentUploaders.push(currentUpload);
        }
        await Promise.all(this.concurrentUploaders);
        if (concurrentUploaderFailures.length >= 1) {
          await this.markUploadAsAborted();
          throw concurrentUploaderFailures[0];
        }
        if (this.abortController.signal.aborted) {
          await this.markUploadAsAborted();
          throw Object.assign(new Error("Upload aborted."), { name: "AbortError" });
        }
        let result;
        if (this.isMultiPart) {
          const { expectedPartsCount, uploadedParts, totalBytes, totalBytesSource } = this;
          if (totalBytes !== void 0 && expectedPartsCount !== void 0 && uploadedParts.length !== expectedPartsCount) {
            await this.markUploadAsAborted();
            throw new Error(`Expected ${expectedPartsCount} part(s) but uploaded ${uploadedParts.length} part(s).
The expected part count is based on the byte-count of the input.params.Body,
which was read from ${totalBytesSource} and is ${totalBytes}.
If this is not correct, provide an override value by setting a number
to input.params.ContentLength in bytes.
`);
          }
          this.uploadedParts.sort((a, b) => a.PartNumber - b.PartNumber);
          const uploadCompleteParams = {
            ...this.params,
            Body: void 0,
            UploadId: this.uploadId,
            MultipartUpload: {
              Parts: this.uploadedParts
            }
          };
          try {
            result = await this.client.send(new CompleteMultipartUploadCommand(uploadCompleteParams));
          } catch (e) {
            await this.markUploadAsAborted().catch((abortError) => {
              if (e instanceof Error && e.cause === void 0) {
                e.cause = abortError;
              }
            });
            throw e;
          }
          if (typeof result?.Location === "string" && result.Location.includes("%2F")) {
            result.Location = result.Location.replace(/%2F/g, "/");
          }
        } else {
          result = this.singleUploadResult;
        }
        this.abortMultipartUploadCommand = null;
        if (this.tags.length) {
          await this.client.send(new PutObjectTaggingCommand({
            ...this.params,
            Tagging: {
              TagSet: this.tags
            }
          }));
        }
        return result;
      }
      async markUploadAsAborted() {
        if (this.uploadId && !this.leavePartsOnError && null !== this.abortMultipartUploadCommand) {
          await this.client.send(this.abortMultipartUploadCommand);
          this.abortMultipartUploadCommand = null;
        }
      }
      __notifyProgress(progress) {
        if (this.uploadEvent) {
          this.emit(this.uploadEvent, progress);
        }
      }
      async __abortTimeout(abortSignal) {
        return new Promise((resolve, reject) => {
          abortSignal.onabort = () => {
            const abortError = new Error("Upload aborted.");
            abortError.name = "AbortError";
            reject(abortError);
          };
        });
      }
      __validateUploadPart(dataPart) {
        const actualPartSize = byteLength(dataPart.data);
        if (actualPartSize === void 0) {
          throw new Error(`A dataPart was generated without a measurable data chunk size for part number ${dataPart.partNumber}`);
        }
        if (dataPart.partNumber === 1 && dataPart.lastPart) {
          return;
        }
        if (!dataPart.lastPart && actualPartSize !== this.partSize) {
          throw new Error(`The byte size for part number ${dataPart.partNumber}, size ${actualPartSize} does not match expected size ${this.partSize}`);
        }
      }
      __validateInput() {
        if (!this.client) {
          throw new Error(`InputError: Upload requires a AWS client to do uploads with.`);
        }
        if (this.partSize < _Upload.MIN_PART_SIZE) {
          throw new Error(`EntityTooSmall: Your proposed upload part size [${this.partSize}] is smaller than the minimum allowed size [${_Upload.MIN_PART_SIZE}] (5MB)`);
        }
        if (this.queueSize < 1) {
          throw new Error(`Queue size: Must have at least one uploading queue.`);
        }
      }
    };
    exports.Upload = Upload2;
  }
});

// src/deploy/index.ts
var import_client_lambda5 = __toESM(require_dist_cjs(), 1);
import { readFile as readFile2 } from "node:fs/promises";

// src/deploy/lambda.ts
var import_client_lambda = __toESM(require_dist_cjs(), 1);
import { readFile } from "node:fs/promises";
function caller(policy, log) {
  return (operation, fn, retryable) => withRetry(operation, fn, policy, (m) => log.info(m), retryable).catch((error) => {
    throw toUserError(error, operation);
  });
}
var UPDATE_TIMEOUT_MS = 15 * 60 * 1e3;
async function waitForUpdate(clients, name, call, policy, what, log) {
  let waited = 0;
  for (let i = 0; ; i++) {
    const config = await call(
      "GetFunctionConfiguration",
      () => clients.lambda.send(new import_client_lambda.GetFunctionConfigurationCommand({ FunctionName: name }))
    );
    if (config.LastUpdateStatus === "Failed" && log && config.State !== "Failed") {
      log.annotate(
        "warning",
        `the last update of ${name} had failed in Lambda (${config.LastUpdateStatusReason ?? "no reason given"}); it runs its previous code, and this deploy updates it`
      );
      return config;
    }
    if (config.LastUpdateStatus === "Failed") {
      throw new UserError(
        `${what} of ${name} failed in Lambda: ${config.LastUpdateStatusReason ?? "no reason given"} (${config.LastUpdateStatusReasonCode ?? "no code"})`,
        {
          hint: "the function keeps its previous working code or configuration; fix the cause and deploy again"
        }
      );
    }
    if (config.State === "Failed") {
      throw new UserError(`function ${name} is in state Failed: ${config.StateReason ?? ""}`, {
        hint: "fix the function in Lambda, then deploy again"
      });
    }
    if (config.LastUpdateStatus !== "InProgress" && config.State !== "Pending") return config;
    if (waited > UPDATE_TIMEOUT_MS)
      throw new UserError(`${what} of ${name} did not finish in ${UPDATE_TIMEOUT_MS / 6e4} minutes`);
    const delay = Math.min(5e3, 250 * 2 ** Math.min(i, 4));
    waited += delay;
    await policy.sleep(delay);
  }
}
async function readNewestLayer(clients, call, layerName) {
  const listed = await call(
    "ListLayerVersions",
    () => clients.lambda.send(new import_client_lambda.ListLayerVersionsCommand({ LayerName: layerName, MaxItems: 1 }))
  );
  const newest = listed.LayerVersions?.[0];
  if (newest?.Version === void 0) return void 0;
  const detail = await call(
    "GetLayerVersion",
    () => clients.lambda.send(new import_client_lambda.GetLayerVersionCommand({ LayerName: layerName, VersionNumber: newest.Version }))
  );
  if (!detail.LayerVersionArn) return void 0;
  return { arn: detail.LayerVersionArn, version: newest.Version, codeSha256: detail.Content?.CodeSha256 };
}
async function publishLayerVersion(clients, call, request, log) {
  const { layerName, zip, target } = request;
  const content = request.s3 ? { S3Bucket: request.s3.bucket, S3Key: request.s3.key } : { ZipFile: await readFile(zip.path) };
  const published = await call(
    "PublishLayerVersion",
    () => clients.lambda.send(
      new import_client_lambda.PublishLayerVersionCommand({
        LayerName: layerName,
        Content: content,
        CompatibleRuntimes: [target.runtime],
        CompatibleArchitectures: [target.architecture],
        Description: request.description
      })
    )
  );
  if (!published.LayerVersionArn || published.Version === void 0)
    throw toUserError(new Error("no LayerVersionArn in the answer"), "PublishLayerVersion");
  log.info(`Published layer ${published.LayerVersionArn}`);
  return { arn: published.LayerVersionArn, version: published.Version };
}

// src/deploy/observe.ts
var import_client_lambda2 = __toESM(require_dist_cjs(), 1);

// src/deploy/alarms.ts
var import_client_cloudwatch = __toESM(require_dist_cjs2(), 1);
var NAMES_PER_CALL = 100;
var MAX_PAGES = 10;
async function describeAlarms(clients, call, names) {
  const found = [];
  for (let from = 0; from < names.length; from += NAMES_PER_CALL) {
    const AlarmNames = names.slice(from, from + NAMES_PER_CALL);
    let NextToken;
    for (let page = 0; page < MAX_PAGES; page++) {
      const answer = await call(
        "DescribeAlarms",
        () => clients.cloudwatch.send(
          new import_client_cloudwatch.DescribeAlarmsCommand({
            AlarmNames,
            AlarmTypes: ["CompositeAlarm", "MetricAlarm"],
            MaxRecords: 100,
            NextToken
          })
        )
      );
      for (const a of [...answer.MetricAlarms ?? [], ...answer.CompositeAlarms ?? []])
        if (a.AlarmName) found.push({ name: a.AlarmName, state: a.StateValue, reason: a.StateReason });
      NextToken = answer.NextToken;
      if (!NextToken) break;
    }
  }
  return found;
}

// src/deploy/routes.ts
function uploadRoutes(request) {
  const refusals = [];
  const route = (what, zip) => {
    if (!zip) return void 0;
    const decided = uploadRoute(what, zip.size, request.s3.upload, request.s3.bucket);
    if (decided instanceof UserError) {
      if (!refusals.some((r) => r.message === decided.message)) refusals.push(decided);
      return void 0;
    }
    return decided;
  };
  return {
    function: request.functionName ? route("function", request.functionZip) : void 0,
    layer: request.layerName ? route("layer", request.layerZip) : void 0,
    refusals
  };
}
function uploadRoute(what, zipSize, s3Upload, bucket) {
  if (s3Upload === "always" || s3Upload === "auto" && bucket) {
    if (!bucket)
      return new UserError(`s3-upload is "always" but no s3-bucket is set`, {
        hint: "set `s3-bucket` to a bucket in the function's region"
      });
    return "s3";
  }
  if (zipSize <= DIRECT_UPLOAD_LIMIT) return "direct";
  const size = formatMB(zipSize);
  if (s3Upload === "never") {
    return new UserError(
      `the ${what} zip is ${size}, over Lambda's 50 MB limit for a direct upload, and s3-upload is "never"`,
      { hint: "set `s3-bucket` and let `s3-upload: auto` send it through S3" }
    );
  }
  return new UserError(`the ${what} zip is ${size}, over Lambda's 50 MB limit for a direct upload`, {
    hint: "set `s3-bucket` to a bucket in the function's region: larger packages are uploaded there first"
  });
}
function bucketRefusals(request, observed) {
  const bucket = request.s3.bucket;
  const seen = observed.bucket;
  if (!bucket || !seen) return [];
  if (!seen.exists) {
    return [
      new UserError(`S3 bucket ${bucket} does not exist`, {
        hint: `create it in ${observed.region} (this action never creates buckets), or fix \`s3-bucket\``
      })
    ];
  }
  if (seen.region === void 0 || seen.region === observed.region) return [];
  return [
    new UserError(
      `S3 bucket ${bucket} is in ${seen.region}, but the function is in ${observed.region}: Lambda reads code only from a bucket in its own region`,
      { hint: `use a bucket in ${observed.region}` }
    )
  ];
}
function upload(request, zip, route, name) {
  const bucket = request.s3.bucket;
  if (route !== "s3" || !bucket) return { zip, route: "direct" };
  const key = s3Key(request.s3.prefix, name, zip.sha256);
  return { zip, route, s3: { bucket, key, uri: `s3://${bucket}/${key}` } };
}
function s3Key(prefix, name, sha256) {
  const clean = prefix.replace(/^\/+|\/+$/g, "");
  return `${clean ? `${clean}/` : ""}${name}/${sha256}.zip`;
}

// src/deploy/s3.ts
var import_client_s3 = __toESM(require_dist_cjs3(), 1);
var import_lib_storage = __toESM(require_dist_cjs4(), 1);
import { createReadStream } from "node:fs";
async function readBucket(clients, bucket, policy) {
  try {
    const head = await withRetry(
      "HeadBucket",
      () => clients.s3.send(new import_client_s3.HeadBucketCommand({ Bucket: bucket })),
      policy
    );
    return { exists: true, region: head.BucketRegion };
  } catch (error) {
    const e = error;
    const status = e.$metadata?.httpStatusCode;
    const region = e.$response?.headers?.["x-amz-bucket-region"];
    if (region && region !== clients.region) return { exists: true, region };
    if (status === 301) return { exists: true, region: "another region" };
    if (status === 404 || e.name === "NotFound" || e.name === "NoSuchBucket") return { exists: false };
    throw toUserError(error, `checking S3 bucket ${bucket}`);
  }
}
async function uploadZip(clients, zip, bucket, key, policy, log) {
  const uri = `s3://${bucket}/${key}`;
  const existing = await withRetry(
    "HeadObject",
    () => clients.s3.send(new import_client_s3.HeadObjectCommand({ Bucket: bucket, Key: key })),
    policy
  ).catch((error) => {
    if (error.$metadata?.httpStatusCode === 404 || error.name === "NotFound") return void 0;
    throw toUserError(error, `checking ${uri}`);
  });
  if (existing && existing.ContentLength === zip.size && existing.Metadata?.sha256 === zip.sha256) {
    log.info(`${uri} already holds these bytes: not uploaded again`);
    return { uri, uploaded: false };
  }
  log.info(`Uploading ${formatMB(zip.size)} to ${uri}`);
  await withRetry(
    "Upload",
    async () => {
      const upload2 = new import_lib_storage.Upload({
        client: clients.s3,
        params: {
          Bucket: bucket,
          Key: key,
          Body: createReadStream(zip.path),
          ContentType: "application/zip",
          Metadata: { sha256: zip.sha256 }
        },
        partSize: 8 * 1024 * 1024,
        queueSize: 4,
        leavePartsOnError: false
      });
      await upload2.done();
    },
    policy,
    (m) => log.info(m)
  ).catch((error) => {
    throw toUserError(error, `uploading to ${uri}`);
  });
  return { uri, uploaded: true };
}

// src/deploy/observe.ts
async function observe(request, clients, call, policy) {
  const observed = { region: clients.region, inputLayers: [] };
  const { functionName, layerName, layerZip } = request;
  if (functionName) observed.function = await readFunction(clients, call, functionName);
  const fn = typeof observed.function === "object" ? observed.function : void 0;
  if (fn) {
    const readLayer = (arn) => call("GetLayerVersionByArn", () => clients.lambda.send(new import_client_lambda2.GetLayerVersionByArnCommand({ Arn: arn }))).catch(
      notFoundAs(void 0)
    );
    for (const layer of fn.layers) layer.codeSize = (await readLayer(layer.arn))?.Content?.CodeSize ?? layer.codeSize;
    for (const arn of request.layerArns ?? []) {
      const layer = await readLayer(arn);
      observed.inputLayers.push({ arn, codeSize: layer?.Content?.CodeSize, exists: layer !== void 0 });
    }
  }
  if (layerName && layerZip) observed.newestLayer = await readNewestLayer(clients, call, layerName);
  const routes = uploadRoutes(request);
  if ((routes.function === "s3" || routes.layer === "s3") && request.s3.bucket)
    observed.bucket = await readBucket(clients, request.s3.bucket, policy);
  if (fn && functionName && request.alias) observed.alias = await readAlias(clients, call, functionName, request.alias);
  const alarmNames = request.rollbackAlarms ?? [];
  if (alarmNames.length > 0)
    observed.alarms = (await describeAlarms(clients, call, alarmNames)).map(({ name, state }) => ({ name, state }));
  return observed;
}
async function readFunction(clients, call, name) {
  const answer = await call(
    "GetFunction",
    () => clients.lambda.send(new import_client_lambda2.GetFunctionCommand({ FunctionName: name }))
  ).catch(notFoundAs(void 0));
  if (!answer) return "missing";
  const config = answer.Configuration ?? {};
  return {
    functionArn: config.FunctionArn ?? "",
    codeSha256: config.CodeSha256,
    codeSize: config.CodeSize,
    layers: (config.Layers ?? []).flatMap((l) => l.Arn ? [{ arn: l.Arn, codeSize: l.CodeSize }] : []),
    architecture: config.Architectures?.[0] ?? "x86_64",
    packageType: config.PackageType ?? "Zip",
    runtime: config.Runtime,
    handler: config.Handler,
    timeout: config.Timeout,
    idle: config.LastUpdateStatus !== "InProgress" && config.State !== "Pending",
    revisionId: config.RevisionId
  };
}
async function readAlias(clients, call, name, alias) {
  const existing = await call(
    "GetAlias",
    () => clients.lambda.send(new import_client_lambda2.GetAliasCommand({ FunctionName: name, Name: alias }))
  ).catch(notFoundAs(void 0));
  if (!existing) return "missing";
  const read = {
    aliasArn: existing.AliasArn,
    functionVersion: existing.FunctionVersion,
    revisionId: existing.RevisionId,
    layers: []
  };
  if (!existing.FunctionVersion) return read;
  const atAlias = await call(
    "GetFunctionConfiguration",
    () => clients.lambda.send(
      new import_client_lambda2.GetFunctionConfigurationCommand({ FunctionName: name, Qualifier: existing.FunctionVersion })
    )
  );
  return { ...read, codeSha256: atAlias.CodeSha256, layers: (atAlias.Layers ?? []).map((l) => l.Arn ?? "") };
}
function notFoundAs(value) {
  return (error) => {
    if (error.cause?.name === "ResourceNotFoundException") return value;
    throw error;
  };
}

// src/deploy/plan.ts
var MAX_LAYERS = 5;
function planDeploy(request, observed) {
  const refusals = [];
  const warnings = [];
  const routes = uploadRoutes(request);
  append(refusals, routes.refusals);
  if (routes.function === "s3" || routes.layer === "s3") append(refusals, bucketRefusals(request, observed));
  const fn = request.functionName ? checkFunction(request, observed, refusals, warnings) : void 0;
  const plan = { refusals, warnings };
  const { layerName, layerZip } = request;
  if (layerName && layerZip) {
    const newest = observed.newestLayer;
    const reuse = newest && newest.codeSha256 === layerZip.codeSha256 ? { arn: newest.arn, version: newest.version } : void 0;
    plan.layer = {
      name: layerName,
      zip: layerZip,
      reuse,
      upload: reuse ? void 0 : upload(request, layerZip, routes.layer, layerShortName(layerName)),
      description: layerDescription(request.target.runtime, request.target.architecture, request.cacheKey)
    };
    if (!fn && layerZip.unzippedSize > UNZIPPED_LIMIT) {
      refusals.push(
        new UserError(
          `layer ${layerName} would hold ${layerZip.unzippedSize} bytes unzipped: Lambda's limit is ${UNZIPPED_LIMIT}`,
          { hint: "drop heavy dependencies, move some to another layer, or use a container image" }
        )
      );
    }
  }
  if (fn && request.functionName) plan.function = planFunction(request, observed, fn, plan, routes.function);
  if (fn && plan.function && (request.publish || request.alias)) {
    const existingAlias = observed.alias === "missing" ? void 0 : observed.alias;
    const f = plan.function;
    const alreadyThere = !f.code && !f.layersChange && existingAlias?.functionVersion !== void 0 && existingAlias.codeSha256 === fn.codeSha256 && existingAlias.layers.join(",") === f.layersBefore.join(",");
    plan.release = {
      alias: request.alias,
      existingAlias,
      alreadyThere,
      smoke: request.smoke,
      smokeTimeoutMs: ((fn.timeout ?? 3) + 30) * 1e3,
      shift: request.trafficShift ?? { kind: "all-at-once" },
      alarms: request.rollbackAlarms ?? []
    };
  }
  if (fn && plan.function) append(refusals, handlerRefusals(request, fn, plan.function.code !== void 0));
  append(refusals, alarmRefusals(request, observed));
  return plan;
}
function planFunction(request, observed, fn, plan, route) {
  const { refusals } = plan;
  const name = request.functionName ?? "";
  const { functionZip, layerZip } = request;
  const own = plan.layer && request.attachLayer ? plan.layer : void 0;
  const ownBase = own ? ownLayerBaseArn(own.name, fn.functionArn, observed.newestLayer?.arn) : void 0;
  const attach = [
    ...own && ownBase ? [{ arn: own.reuse?.arn, baseArn: ownBase, own: true, size: own.zip.unzippedSize }] : [],
    ...(request.layerArns ?? []).map((arn) => ({
      arn,
      baseArn: layerBaseArn(arn),
      own: false,
      size: observed.inputLayers.find((l) => l.arn === arn)?.codeSize ?? 0
    }))
  ];
  for (const missing of observed.inputLayers.filter((l) => !l.exists)) {
    refusals.push(
      new UserError(`input layers: layer version ${missing.arn} does not exist, or this account may not use it`, {
        hint: `check the ARN: it names a published version of a layer in ${observed.region}`
      })
    );
  }
  const layersBefore = fn.layers.map((l) => l.arn);
  const current = fn.layers.map((l) => ({
    arn: l.arn,
    baseArn: layerBaseArn(l.arn),
    own: false,
    size: l.codeSize ?? 0
  }));
  const layersAfter = layersAfterAttach(current, attach);
  if (layersAfter.length > MAX_LAYERS) {
    const what = [...own ? [`layer ${own.name}`] : [], ...request.layerArns ?? []].join(", ");
    refusals.push(
      new UserError(`attaching ${what} would give ${name} ${layersAfter.length} layers; Lambda allows ${MAX_LAYERS}`, {
        hint: `remove a layer from the function, or set \`attach-layer: false\`${request.layerArns?.length ? ", or list fewer `layers`" : ""}`
      })
    );
  }
  const layersChange = layersAfter.map((l) => l.arn ?? "(new)").join(",") !== layersBefore.join(",");
  const codeUnzipped = functionZip?.unzippedSize ?? fn.codeSize ?? 0;
  const ownSize = layersAfter.filter((l) => l.own).reduce((sum, l) => sum + l.size, 0);
  const others = layersAfter.filter((l) => !l.own);
  const othersSize = others.reduce((sum, l) => sum + l.size, 0);
  const unzippedTotal = codeUnzipped + ownSize + othersSize;
  if (unzippedTotal > UNZIPPED_LIMIT) {
    const parts = [
      `function ${formatMB(codeUnzipped)}`,
      ...ownSize ? [`layer ${formatMB(ownSize)}`] : [],
      ...others.length ? [`${others.length} other layer(s) ${formatMB(othersSize)}`] : []
    ];
    refusals.push(
      new UserError(
        `${name} would hold ${unzippedTotal} bytes unzipped (${parts.join(", ")}): Lambda's limit is ${UNZIPPED_LIMIT}`,
        { hint: "drop heavy dependencies, move some to another layer, or use a container image" }
      )
    );
  }
  const codeUnchanged = !functionZip || fn.codeSha256 === functionZip.codeSha256;
  return {
    name,
    arn: fn.functionArn,
    code: codeUnchanged || !functionZip ? void 0 : upload(request, functionZip, route, name),
    layersBefore,
    layersAfter,
    layersChange,
    codeFirst: (functionZip?.unzippedSize ?? 0) <= (layerZip?.unzippedSize ?? 0),
    unzippedTotal,
    revisionId: fn.idle ? fn.revisionId : void 0
  };
}
function handlerRefusals(request, fn, codeChanges) {
  const name = request.functionName;
  if (request.handler && fn.handler && fn.handler !== request.handler) {
    return [
      new UserError(
        `Lambda function ${name} is configured with handler ${fn.handler}, but the build checked handler ${request.handler}`,
        {
          hint: `set \`handler: ${fn.handler}\`, or change the function's Handler setting to ${request.handler} first`
        }
      )
    ];
  }
  if (!codeChanges || !fn.handler || !request.entries) return [];
  const ref = parseHandler(fn.handler);
  if (ref instanceof UserError) return [];
  if (findModule(ref, request.entries.function, request.entries.layer)) return [];
  return [
    new UserError(
      `Lambda function ${name} runs handler ${fn.handler}, but module ${ref.modulePath}.py is not in the new function zip${request.entries.layer.size ? " or the layer" : ""}: every invocation would fail`,
      {
        hint: "ship the handler's module (`source`), or set `handler` and change the function's Handler setting to match"
      }
    )
  ];
}
function alarmRefusals(request, observed) {
  const seen = observed.alarms;
  if (!seen) return [];
  const refusals = [];
  for (const name of request.rollbackAlarms ?? []) {
    const alarm = seen.find((a) => a.name === name);
    if (!alarm) {
      refusals.push(
        new UserError(`rollback alarm ${name} does not exist in ${observed.region}`, {
          hint: "create the CloudWatch alarm first, or fix the name in `rollback-alarms`"
        })
      );
    } else if (alarm.state === "ALARM") {
      refusals.push(
        new UserError(`rollback alarm ${name} is in state ALARM already: the shift would roll back at once`, {
          hint: "deploy when the alarm is back to OK"
        })
      );
    }
  }
  return refusals;
}
function checkFunction(request, observed, refusals, warnings) {
  const name = request.functionName;
  const fn = observed.function;
  const { target } = request;
  if (!fn || fn === "missing") {
    refusals.push(
      new UserError(`Lambda function ${name} does not exist in ${observed.region}`, {
        hint: "create it first (this action updates functions, it does not create them), or fix `function-name` / `region`"
      })
    );
    return void 0;
  }
  if (fn.packageType === "Image") {
    refusals.push(
      new UserError(`Lambda function ${name} is a container image function: it cannot take a zip`, {
        hint: "deploy a zip to a Zip function, or build a container image for this one"
      })
    );
  }
  if (fn.architecture !== target.architecture) {
    refusals.push(
      new UserError(
        `Lambda function ${name} runs on ${fn.architecture}, but the packages were built for ${target.architecture}`,
        { hint: `set \`architecture: ${fn.architecture}\`, or change the function's architecture` }
      )
    );
  }
  if (fn.runtime && fn.runtime !== target.runtime) {
    warnings.push(
      `Lambda function ${name} has runtime ${fn.runtime}, but the packages were built for ${target.runtime}: compiled dependencies may not import`
    );
  }
  return fn;
}
function layerBaseArn(arn) {
  const parts = arn.split(":");
  return parts.length === 8 ? parts.slice(0, 7).join(":") : arn;
}
function layerShortName(layerName) {
  return layerName.split(":").at(-1) ?? layerName;
}
function ownLayerBaseArn(layerName, functionArn, newestArn) {
  if (layerName.startsWith("arn:")) return layerName;
  if (newestArn) return layerBaseArn(newestArn);
  return `${functionArn.split(":").slice(0, 5).join(":")}:layer:${layerName}`;
}
function layersAfterAttach(current, attach) {
  const next = [...current];
  for (const slot of attach) {
    const index = next.findIndex((l) => l.baseArn === slot.baseArn);
    if (index >= 0) next[index] = slot;
    else next.push(slot);
  }
  return next;
}
function layerDescription(runtime, architecture, cacheKey) {
  return `lambda-python-package: ${runtime} ${architecture}, dependencies ${cacheKey.split("-").pop()?.slice(0, 16) ?? ""}`.slice(
    0,
    256
  );
}

// src/deploy/shift.ts
var import_client_cloudwatch2 = __toESM(require_dist_cjs2(), 1);
var import_client_lambda3 = __toESM(require_dist_cjs(), 1);
var realClock = {
  now: () => Date.now(),
  sleep: (ms, signal) => new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  })
};
async function shiftTraffic(request, clients, call, clock, log, signal) {
  const { name, alias, previous, next } = request;
  const start = clock.now();
  const timeline = [];
  let revisionId = request.revisionId;
  let aliasArn;
  const note = (weight, event) => {
    timeline.push({ atMs: clock.now() - start, weight, event });
    log.info(`Traffic shift ${alias}: ${event}`);
  };
  const move = async (weight) => {
    const updated = await call(
      "UpdateAlias",
      () => clients.lambda.send(
        new import_client_lambda3.UpdateAliasCommand({
          FunctionName: name,
          Name: alias,
          FunctionVersion: weight === 1 ? next : previous,
          RoutingConfig: { AdditionalVersionWeights: weight === 1 ? {} : { [next]: weight } },
          RevisionId: revisionId
        })
      )
    );
    revisionId = updated.RevisionId;
    aliasArn = updated.AliasArn;
  };
  const rollBack = async (reason) => {
    await call(
      "UpdateAlias",
      () => clients.lambda.send(
        new import_client_lambda3.UpdateAliasCommand({
          FunctionName: name,
          Name: alias,
          FunctionVersion: previous,
          RoutingConfig: { AdditionalVersionWeights: {} }
        })
      )
    );
    note(0, `rolled back to version ${previous}: ${reason}`);
    throw new RolloutFailed(
      { outcome: "rolled-back", previousVersion: previous, version: next, timeline, reason },
      alias
    );
  };
  for (const step of rolloutSchedule(request.shift)) {
    if (signal?.aborted) await rollBack("the job was cancelled");
    try {
      await move(step.weight);
    } catch (error) {
      if (step.weight === 1 || timeline.length === 0) throw error;
      await rollBack(`UpdateAlias failed: ${error.message}`);
    }
    note(
      step.weight,
      step.weight === 1 ? `version ${next} takes all traffic` : `version ${next} takes ${Math.round(step.weight * 100)} % for ${step.holdMs / 6e4} min`
    );
    let waited = 0;
    for (const at of checkTimes(step.holdMs)) {
      await clock.sleep(at - waited, signal);
      waited = at;
      if (signal?.aborted) await rollBack("the job was cancelled during the shift");
      const watch = await readWatch(clients, call, request, start, clock.now());
      const decision = decide(watch, { version: next, weight: step.weight });
      log.info(
        `Traffic shift ${alias}: ${Math.round(step.weight * 100)} %, ${at / 6e4} of ${step.holdMs / 6e4} min: ${watch.invocations} invocation(s), ${watch.errors} error(s), ${watch.throttles} throttle(s) of version ${next}${request.alarms.length ? `; alarms in ALARM: ${watch.alarms.length}` : ""}`
      );
      if (decision.action === "rollback") await rollBack(decision.reason);
    }
  }
  return { outcome: "completed", previousVersion: previous, version: next, timeline, aliasArn };
}
async function readWatch(clients, call, request, start, now) {
  const dimensions = [
    { Name: "FunctionName", Value: request.name },
    { Name: "Resource", Value: `${request.name}:${request.alias}` },
    { Name: "ExecutedVersion", Value: request.next }
  ];
  const metric = (id, metricName) => ({
    Id: id,
    MetricStat: {
      Metric: { Namespace: "AWS/Lambda", MetricName: metricName, Dimensions: dimensions },
      Period: 60,
      Stat: "Sum"
    },
    ReturnData: true
  });
  const minute = 6e4;
  const data = await call(
    "GetMetricData",
    () => clients.cloudwatch.send(
      new import_client_cloudwatch2.GetMetricDataCommand({
        MetricDataQueries: [
          metric("errors", "Errors"),
          metric("throttles", "Throttles"),
          metric("invocations", "Invocations")
        ],
        StartTime: new Date(Math.floor(start / minute) * minute),
        EndTime: new Date(Math.ceil(now / minute) * minute + minute)
      })
    )
  );
  const sum = (id) => (data.MetricDataResults ?? []).filter((r) => r.Id === id).flatMap((r) => r.Values ?? []).reduce((a, b) => a + b, 0);
  const alarms = [];
  for (const a of await describeAlarms(clients, call, request.alarms))
    if (a.state === "ALARM") alarms.push({ name: a.name, reason: a.reason ?? "no reason given" });
  return { errors: sum("errors"), throttles: sum("throttles"), invocations: sum("invocations"), alarms };
}
var RolloutFailed = class extends UserError {
  constructor(rollout, alias) {
    super(
      `traffic shift of ${alias} to version ${rollout.version} rolled back: ${rollout.reason}. ${alias} points at version ${rollout.previousVersion} again, with no additional weight`,
      { hint: "look at the new version's errors in CloudWatch Logs, fix them and deploy again" }
    );
    this.rollout = rollout;
  }
  rollout;
};

// src/deploy/smoke.ts
var import_client_lambda4 = __toESM(require_dist_cjs(), 1);
var SHOWN = 1e3;
function containsJson(value, fragment) {
  if (fragment === null || typeof fragment !== "object") return value === fragment;
  if (Array.isArray(fragment)) {
    return Array.isArray(value) && fragment.every((f) => value.some((v) => containsJson(v, f)));
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const record = value;
  return Object.entries(fragment).every(([k, f]) => Object.hasOwn(record, k) && containsJson(record[k], f));
}
function parseJson(text) {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return void 0;
  }
}
function smokeVerdict(payload, functionError, expect) {
  if (functionError) return { passed: false, why: `the function failed (${functionError})` };
  if (expect === void 0) return { passed: true };
  if (looksLikeJson(expect)) {
    const fragment = parseJson(expect);
    const response = parseJson(payload);
    if (fragment && response && containsJson(response.value, fragment.value)) return { passed: true };
    return { passed: false, why: `the response does not contain the JSON fragment ${shown(expect, 200)}` };
  }
  if (payload.includes(expect)) return { passed: true };
  return { passed: false, why: `the response does not contain "${shown(expect, 200)}"` };
}
function shown(text, max) {
  return cutText(text, max, (length) => `\u2026 (${length} characters)`);
}
async function smokeInvoke(clients, call, name, version, smoke, timeoutMs) {
  let answer;
  try {
    answer = await call(
      "Invoke",
      () => clients.lambda.send(
        new import_client_lambda4.InvokeCommand({
          FunctionName: name,
          Qualifier: version,
          LogType: "Tail",
          Payload: Buffer.from(smoke.event)
        }),
        { abortSignal: AbortSignal.timeout(timeoutMs) }
      ),
      isThrottle
    );
  } catch (error) {
    const cause = error.cause;
    const timedOut = cause?.name === "AbortError" || error.name === "AbortError";
    if (timedOut)
      return {
        passed: false,
        version,
        response: "",
        logTail: "",
        why: `no answer in ${Math.round(timeoutMs / 1e3)} s`
      };
    throw invokeFailed(error, name, version);
  }
  const payload = Buffer.from(answer.Payload ?? new Uint8Array()).toString("utf8");
  const logTail = answer.LogResult ? redactEdges(Buffer.from(answer.LogResult, "base64").toString("utf8"), { start: true }) : "";
  const verdict = smokeVerdict(payload, answer.FunctionError, smoke.expect);
  return {
    passed: verdict.passed,
    why: verdict.why,
    version,
    status: answer.StatusCode,
    functionError: answer.FunctionError,
    response: shown(payload, SHOWN),
    logTail
  };
}
function invokeFailed(error, name, version) {
  if (!(error instanceof UserError)) return error;
  const aws = error.cause ?? error;
  const status = aws.$metadata?.httpStatusCode;
  const throttled = isThrottle(aws);
  if (!throttled && status !== void 0 && status < 500) return error;
  return new UserError(
    `smoke invocation of ${name}:${version} failed: Lambda answered ${status ? `HTTP ${status}` : "with an error"} (${describeAwsError(aws)})`,
    {
      cause: aws,
      hint: throttled ? "Lambda kept throttling the invocation after every retry: raise the function's concurrency or deploy again later; the alias was not moved" : "Invoke runs the function, so it was sent once and not retried (a retry could run it twice); the alias was not moved: deploy again when Lambda answers"
    }
  );
}
var SmokeFailed = class extends UserError {
  constructor(smoke, alias) {
    const tail = smoke.logTail.trim().split("\n").slice(-10).join("\n");
    super(
      [
        `smoke invocation of version ${smoke.version} failed: ${smoke.why ?? "unknown reason"}`,
        `status ${smoke.status ?? "none"}${smoke.functionError ? `, FunctionError ${smoke.functionError}` : ""}; response: ${smoke.response || "(empty)"}`,
        ...tail ? [`log tail:
${tail}`] : [],
        alias ? `The alias ${alias} was not moved: no traffic reached version ${smoke.version}.` : `No alias was asked for: no traffic reached version ${smoke.version} through this deploy.`
      ].join("\n"),
      { hint: "fix the handler (the log tail shows what it printed), or the smoke-event / smoke-expect inputs" }
    );
    this.smoke = smoke;
  }
  smoke;
};

// src/deploy/index.ts
async function deploy(request, clients, policy, log, options = {}) {
  const call = caller(policy, log);
  const plan = planDeploy(request, await observe(request, clients, call, policy));
  for (const warning of plan.warnings) log.annotate("warning", warning);
  throwAll(plan.refusals);
  const result = await apply(plan, request, clients, call, policy, log, options);
  result.deployed = result.changes.length > 0 ? "updated" : "unchanged";
  log.info(
    result.deployed === "updated" ? `Deployed: ${result.changes.join("; ")}` : "Deployed: unchanged (the function and layer already hold these bytes; no write call made)"
  );
  return result;
}
async function apply(plan, request, clients, call, policy, log, options) {
  const result = { deployed: "unchanged", changes: [] };
  const send = async (what) => {
    if (!what?.s3) return;
    const { uploaded } = await uploadZip(clients, what.zip, what.s3.bucket, what.s3.key, policy, log);
    if (uploaded) result.changes.push(`PutObject ${what.s3.uri}`);
  };
  await send(plan.function?.code);
  result.functionS3Uri = plan.function?.code?.s3?.uri;
  let layerArn;
  if (plan.layer) {
    const { layer } = plan;
    await send(layer.upload);
    result.layerS3Uri = layer.upload?.s3?.uri;
    if (layer.reuse) log.info(`Layer ${layer.name} version ${layer.reuse.version} already has these bytes: reused`);
    const published = layer.reuse ?? await publishLayerVersion(
      clients,
      call,
      {
        layerName: layer.name,
        zip: layer.zip,
        s3: layer.upload?.s3,
        target: request.target,
        description: layer.description
      },
      log
    );
    if (!layer.reuse) result.changes.push(`PublishLayerVersion ${published.arn}`);
    layerArn = published.arn;
    result.layerVersionArn = published.arn;
    result.layerVersion = String(published.version);
  }
  const fn = plan.function;
  if (!fn) return result;
  result.functionArn = fn.arn;
  let current = await waitForUpdate(clients, fn.name, call, policy, "the previous update", log);
  if (fn.revisionId) current = { ...current, RevisionId: fn.revisionId };
  const code = fn.code;
  const updateCode = async () => {
    if (!code) return;
    const body = code.s3 ? { S3Bucket: code.s3.bucket, S3Key: code.s3.key } : { ZipFile: await readFile2(code.zip.path) };
    await call(
      "UpdateFunctionCode",
      () => clients.lambda.send(
        new import_client_lambda5.UpdateFunctionCodeCommand({
          FunctionName: fn.name,
          ...body,
          RevisionId: current.RevisionId,
          Publish: false
        })
      )
    );
    result.changes.push(`UpdateFunctionCode ${fn.name}`);
    current = await waitForUpdate(clients, fn.name, call, policy, "the code update");
  };
  const updateLayers = async () => {
    if (!fn.layersChange) return;
    const layers = fn.layersAfter.map((l) => l.arn ?? layerArn ?? "");
    await call(
      "UpdateFunctionConfiguration",
      () => clients.lambda.send(
        new import_client_lambda5.UpdateFunctionConfigurationCommand({
          FunctionName: fn.name,
          Layers: layers,
          RevisionId: current.RevisionId
        })
      )
    );
    result.changes.push(`UpdateFunctionConfiguration ${fn.name} Layers`);
    current = await waitForUpdate(clients, fn.name, call, policy, "the layer update");
  };
  for (const step of fn.codeFirst ? [updateCode, updateLayers] : [updateLayers, updateCode]) await step();
  if (plan.release) {
    try {
      await release({ clients, call, name: fn.name, current, plan: plan.release, result, log, options });
    } catch (error) {
      if (error instanceof SmokeFailed || error instanceof RolloutFailed) {
        result.deployed = "updated";
        if (error instanceof RolloutFailed) {
          result.rollout = "rolled-back";
          result.timeline = error.rollout.timeline;
        }
        error.deploy = result;
      }
      throw error;
    }
  }
  return result;
}
async function release(r) {
  const { clients, call, name, current, plan, result, log } = r;
  const { alias, existingAlias } = plan;
  result.previousVersion = existingAlias?.functionVersion;
  if (plan.alreadyThere && existingAlias) {
    result.functionVersion = existingAlias.functionVersion;
    result.aliasArn = existingAlias.aliasArn;
    return;
  }
  const published = await call(
    "PublishVersion",
    () => clients.lambda.send(
      new import_client_lambda5.PublishVersionCommand({ FunctionName: name, CodeSha256: current.CodeSha256, RevisionId: current.RevisionId })
    )
  );
  const version = published.Version;
  result.functionVersion = version;
  if (version && version !== existingAlias?.functionVersion) result.changes.push(`PublishVersion ${name}:${version}`);
  if (!version) return;
  if (plan.smoke && version !== existingAlias?.functionVersion) {
    log.info(`Smoke invocation of ${name}:${version} with ${plan.smoke.source}`);
    const smoke = await smokeInvoke(clients, call, name, version, plan.smoke, plan.smokeTimeoutMs);
    result.smoke = smoke;
    if (!smoke.passed) throw new SmokeFailed(smoke, alias);
    log.info(`Smoke invocation passed (status ${smoke.status}): ${smoke.response}`);
  }
  if (!alias) return;
  if (!existingAlias) {
    const created = await call(
      "CreateAlias",
      () => clients.lambda.send(new import_client_lambda5.CreateAliasCommand({ FunctionName: name, Name: alias, FunctionVersion: version }))
    );
    result.aliasArn = created.AliasArn;
    result.changes.push(`CreateAlias ${alias} \u2192 ${version}`);
    log.info(`Alias ${alias} is new: no previous version to shift traffic from, all traffic goes to ${version}`);
  } else if (existingAlias.functionVersion !== version && existingAlias.functionVersion) {
    const shifted = await shiftTraffic(
      {
        name,
        alias,
        previous: existingAlias.functionVersion,
        next: version,
        revisionId: existingAlias.revisionId,
        shift: plan.shift,
        alarms: plan.alarms
      },
      clients,
      call,
      r.options.clock ?? realClock,
      log,
      r.options.signal
    );
    result.aliasArn = shifted.aliasArn;
    result.rollout = "completed";
    result.timeline = shifted.timeline;
    result.changes.push(`UpdateAlias ${alias} \u2192 ${version}`);
  } else result.aliasArn = existingAlias.aliasArn;
}
export {
  deploy
};
