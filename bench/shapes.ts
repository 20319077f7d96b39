/**
 * The benchmark's dependency set, by shape: fake distributions named and sized after
 * the real wheels of a numpy/scipy/pandas/boto3/pydantic stack (sizes in MB unzipped,
 * and the share of their bytes that are shared objects).
 */
export type BenchSize = "full" | "smoke";

export interface DistShape {
  name: string;
  version: string;
  /** share of the whole set, any unit: scaled to the size's total */
  weight: number;
  /** share of the distribution's bytes that are shared objects */
  binary: number;
  /** share of the rest that is text data (JSON models, test data, headers), not Python source */
  data: number;
}

/**
 * Shapes after the real wheels: MB unzipped, the share of shared objects, and of the
 * rest the share of text data. In all about 52% shared objects, 18% Python source and
 * 30% data, as in a real numpy/scipy/pandas/botocore tree: the Python source is what
 * the recipe's byte-compiling costs, so too much of it would flatter the ratios.
 */
const SHAPES: DistShape[] = [
  { name: "bench-scipy", version: "1.14.1", weight: 52, binary: 0.72, data: 0.5 },
  { name: "bench-pandas", version: "2.2.3", weight: 38, binary: 0.55, data: 0.45 },
  { name: "bench-numpy", version: "2.1.3", weight: 30, binary: 0.7, data: 0.5 },
  { name: "bench-botocore", version: "1.35.60", weight: 24, binary: 0, data: 0.92 },
  { name: "bench-sqlalchemy", version: "2.0.36", weight: 9, binary: 0.3, data: 0.3 },
  { name: "bench-cryptography", version: "43.0.3", weight: 8, binary: 0.8, data: 0.4 },
  { name: "bench-babel", version: "2.16.0", weight: 8, binary: 0, data: 0.9 },
  { name: "bench-grpcio", version: "1.67.1", weight: 7, binary: 0.85, data: 0.5 },
  { name: "bench-lxml", version: "5.3.0", weight: 6, binary: 0.8, data: 0.5 },
  { name: "bench-psycopg-binary", version: "3.2.3", weight: 6, binary: 0.85, data: 0.3 },
  { name: "bench-pillow", version: "11.0.0", weight: 5, binary: 0.8, data: 0.4 },
  { name: "bench-aiohttp", version: "3.10.10", weight: 5, binary: 0.7, data: 0.3 },
  { name: "bench-pydantic-core", version: "2.23.4", weight: 4.5, binary: 0.9, data: 0.2 },
  { name: "bench-pydantic", version: "2.9.2", weight: 3.5, binary: 0, data: 0.2 },
  { name: "bench-regex", version: "2024.11.6", weight: 2.5, binary: 0.6, data: 0.2 },
  { name: "bench-pytz", version: "2024.2", weight: 2.5, binary: 0, data: 0.9 },
  { name: "bench-protobuf", version: "5.28.3", weight: 2, binary: 0.3, data: 0.3 },
  { name: "bench-tzdata", version: "2024.2", weight: 1.5, binary: 0, data: 0.95 },
  { name: "bench-yaml", version: "6.0.2", weight: 1.5, binary: 0.6, data: 0.2 },
  { name: "bench-googleapis-common-protos", version: "1.65.0", weight: 1.5, binary: 0, data: 0.4 },
  { name: "bench-boto3", version: "1.35.60", weight: 1, binary: 0, data: 0.6 },
  { name: "bench-msgpack", version: "1.1.0", weight: 1, binary: 0.8, data: 0.2 },
  { name: "bench-numexpr", version: "2.10.1", weight: 1, binary: 0.7, data: 0.2 },
  { name: "bench-werkzeug", version: "3.1.3", weight: 1, binary: 0, data: 0.2 },
  { name: "bench-orjson", version: "3.10.11", weight: 0.9, binary: 0.95, data: 0.2 },
  { name: "bench-jinja2", version: "3.1.4", weight: 0.8, binary: 0, data: 0.2 },
  { name: "bench-python-dateutil", version: "2.9.0", weight: 0.7, binary: 0, data: 0.2 },
  { name: "bench-urllib3", version: "2.2.3", weight: 0.6, binary: 0, data: 0.2 },
  { name: "bench-aws-xray-sdk", version: "2.14.0", weight: 0.6, binary: 0, data: 0.2 },
  { name: "bench-click", version: "8.1.7", weight: 0.5, binary: 0, data: 0.2 },
  { name: "bench-idna", version: "3.10", weight: 0.5, binary: 0, data: 0.2 },
  { name: "bench-yarl", version: "1.17.1", weight: 0.5, binary: 0.6, data: 0.2 },
  { name: "bench-charset-normalizer", version: "3.4.0", weight: 0.4, binary: 0.5, data: 0.2 },
  { name: "bench-multidict", version: "6.1.0", weight: 0.4, binary: 0.7, data: 0.2 },
  { name: "bench-s3transfer", version: "0.10.3", weight: 0.4, binary: 0, data: 0.2 },
  { name: "bench-requests", version: "2.32.3", weight: 0.3, binary: 0, data: 0.2 },
  { name: "bench-certifi", version: "2024.8.30", weight: 0.3, binary: 0, data: 0.9 },
  { name: "bench-attrs", version: "24.2.0", weight: 0.3, binary: 0, data: 0.2 },
  { name: "bench-flask", version: "3.1.0", weight: 0.3, binary: 0, data: 0.2 },
  { name: "bench-packaging", version: "24.2", weight: 0.3, binary: 0, data: 0.2 },
  { name: "bench-structlog", version: "24.4.0", weight: 0.3, binary: 0, data: 0.2 },
  { name: "bench-frozenlist", version: "1.5.0", weight: 0.3, binary: 0.7, data: 0.2 },
  { name: "bench-tenacity", version: "9.0.0", weight: 0.2, binary: 0, data: 0.2 },
  { name: "bench-typing-extensions", version: "4.12.2", weight: 0.15, binary: 0, data: 0.2 },
  { name: "bench-pyjwt", version: "2.9.0", weight: 0.15, binary: 0, data: 0.2 },
  { name: "bench-markupsafe", version: "3.0.2", weight: 0.1, binary: 0.5, data: 0.2 },
  { name: "bench-jmespath", version: "1.0.1", weight: 0.1, binary: 0, data: 0.2 },
  { name: "bench-six", version: "1.16.0", weight: 0.05, binary: 0, data: 0.2 },
];

const SMOKE_SHAPES = new Set([
  "bench-scipy",
  "bench-numpy",
  "bench-botocore",
  "bench-pydantic-core",
  "bench-yaml",
  "bench-requests",
  "bench-six",
]);

export const SIZES: Record<BenchSize, { totalBytes: number; shapes: DistShape[] }> = {
  // under Lambda's 262,144,000-byte unzipped limit, with room for the function code
  full: { totalBytes: 250_000_000, shapes: SHAPES },
  smoke: { totalBytes: 8_000_000, shapes: SHAPES.filter((s) => SMOKE_SHAPES.has(s.name)) },
};
