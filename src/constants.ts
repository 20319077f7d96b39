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
}
