/** Input and output names, declared once: no other file spells them. */
export enum Input {
  Runtime = "runtime",
  Architecture = "architecture",
  WorkingDirectory = "working-directory",
  Lockfile = "lockfile",
  Source = "source",
  Exclude = "exclude",
  Package = "package",
  OutputDir = "output-dir",
  Python = "python",
  IndexUrl = "index-url",
  ExtraIndexUrl = "extra-index-url",
  AllowCollisions = "allow-collisions",
  Cache = "cache",
  Installer = "installer",
  BuildFromSource = "build-from-source",
  Groups = "groups",
  Extras = "extras",
  Compile = "compile",
  Slim = "slim",
  SlimKeep = "slim-keep",
  ExcludePackages = "exclude-packages",
  FunctionName = "function-name",
  LayerName = "layer-name",
  AttachLayer = "attach-layer",
  Layers = "layers",
  S3Bucket = "s3-bucket",
  S3Prefix = "s3-prefix",
  S3Upload = "s3-upload",
  Region = "region",
  Publish = "publish",
  Alias = "alias",
  Deploy = "deploy",
  Handler = "handler",
  SmokeEvent = "smoke-event",
  SmokeExpect = "smoke-expect",
  TrafficShift = "traffic-shift",
  RollbackAlarms = "rollback-alarms",
  UploadArtifact = "upload-artifact",
  ArtifactName = "artifact-name",
  Comment = "comment",
  GithubToken = "github-token",
  MaxUnzippedSize = "max-unzipped-size",
  MaxImportMs = "max-import-ms",
}

export enum Output {
  FunctionZip = "function-zip",
  LayerZip = "layer-zip",
  FunctionSha256 = "function-sha256",
  LayerSha256 = "layer-sha256",
  FunctionCodeSha256 = "function-code-sha256",
  LayerCodeSha256 = "layer-code-sha256",
  FunctionSize = "function-size",
  LayerSize = "layer-size",
  UnzippedSize = "unzipped-size",
  CacheKey = "cache-key",
  CacheHit = "cache-hit",
  Deployed = "deployed",
  FunctionArn = "function-arn",
  FunctionVersion = "function-version",
  AliasArn = "alias-arn",
  LayerVersionArn = "layer-version-arn",
  LayerVersion = "layer-version",
  FunctionS3Uri = "function-s3-uri",
  LayerS3Uri = "layer-s3-uri",
  PreviousVersion = "previous-version",
  Rollout = "rollout",
  ImportMs = "import-ms",
  ImportModules = "import-modules",
}

/** The values of the `package` input: what goes into the function zip and what into the layer. */
export const PACKAGE_MODES = ["function", "layer", "split"] as const;
export type PackageMode = (typeof PACKAGE_MODES)[number];

/**
 * The debug line main.ts ends with: this prefix, then each stage's milliseconds as JSON
 * (the build's stages, deploy, and the report). The benchmark reads it from a fresh process.
 */
export const STAGE_TIMES_PREFIX = "Stage times (ms): ";
