// Prints the CHANGELOG.md section of one version (`node scripts/release-notes.mjs 1.2.0`),
// without its heading, for the GitHub release; exits 1 when the section is missing or empty.
import { readFileSync } from "node:fs";

const version = process.argv[2] ?? "";
if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version)) {
  console.error(`usage: node scripts/release-notes.mjs X.Y.Z (got "${version}")`);
  process.exit(2);
}
const lines = readFileSync(new URL("../CHANGELOG.md", import.meta.url), "utf8").split("\n");
const start = lines.findIndex((l) => l.startsWith(`## [${version}]`));
// the section ends at the next heading or at the link references closing the file
const end = lines.findIndex((l, i) => i > start && (l.startsWith("## ") || /^\[[^\]]+\]: /.test(l)));
const notes =
  start < 0
    ? ""
    : lines
        .slice(start + 1, end < 0 ? undefined : end)
        .join("\n")
        .trim();
if (!notes) {
  console.error(`CHANGELOG.md has no notes under "## [${version}]"`);
  process.exit(1);
}
console.log(notes);
