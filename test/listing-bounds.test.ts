/**
 * An index page is outside data of any size: a page of 130,000 links is listed (no spread of
 * its links onto the stack, which overflowed it: "internal error"), from a file:// index.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { listProjectFiles } from "../src/install/listing.ts";

let dir: string | undefined;
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("listProjectFiles", () => {
  it("lists a page of 130,000 links", async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "lpp-listing-"));
    await mkdir(path.join(dir, "big"), { recursive: true });
    const links = Array.from(
      { length: 130_000 },
      (_, i) => `<a href="big-1.${i}-py3-none-any.whl">big-1.${i}-py3-none-any.whl</a>`,
    );
    await writeFile(path.join(dir, "big", "index.html"), `<html><body>\n${links.join("\n")}\n</body></html>\n`);
    const listing = await listProjectFiles(
      "big",
      { indexUrl: pathToFileURL(dir).href, extraIndexUrls: [], findLinks: [], noIndex: false, trustedHosts: [] },
      AbortSignal.timeout(60_000),
    );
    expect(listing.files?.length).toBe(130_000);
    expect(listing.files?.[129_999]).toBe("big-1.129999-py3-none-any.whl");
  });
});
