/** A zip unpacked by CPython's zipfile, as Lambda gives it to the function (files dated at extraction). */
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";

export function unpackWithPython(python: string, zip: string, into: string): string {
  mkdirSync(into, { recursive: true });
  execFileSync(python, [
    "-I",
    "-S",
    "-c",
    "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])",
    zip,
    into,
  ]);
  return into;
}
