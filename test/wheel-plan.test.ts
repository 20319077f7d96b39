/**
 * What pip's install of a set of wheels fails on or leaves out, seen from the names alone:
 * a path that is a file for one member and a folder for another (pip: OSError), and a
 * .data/data item beside lib/python whose name the tree already has (pip --target leaves it
 * behind with a warning).
 */
import { describe, expect, it } from "vitest";
import { installProblem, planWheel } from "../src/dependencies/wheel-plan.ts";
import type { ZipDirectory } from "../src/zip/reader.ts";
import { zipEntry } from "./support/zip-entry.ts";

function wheel(name: string, members: string[]): { wheel: string; plan: ReturnType<typeof planWheel> } {
  const file = `/w/${name}-1.0-py3-none-any.whl`;
  const all = [...members, `${name}-1.0.dist-info/METADATA`, `${name}-1.0.dist-info/RECORD`];
  const directory: ZipDirectory = {
    path: file,
    size: 0,
    entries: all.map((name) => zipEntry({ name, flags: 0x800, size: 0, externalAttributes: 0o100644 << 16 })),
  };
  return { wheel: file, plan: planWheel(directory) };
}

describe("planWheel", () => {
  it("leaves to pip a folder entry named like a dist-info file pip reads (fuzzer seed 8 cases 3298, 4638)", () => {
    expect(() => wheel("a", ["a/__init__.py", "a-1.0.dist-info/entry_points.txt/"])).toThrow(
      /folder entry where pip reads a file/,
    );
    expect(() => wheel("a", ["a/__init__.py", "a-1.0.dist-info/licenses/"])).not.toThrow();
  });
});

describe("installProblem", () => {
  it("finds nothing in wheels that install side by side", () => {
    expect(installProblem([wheel("a", ["a/__init__.py", "a-1.0.data/data/share/a.txt"]), wheel("b", ["b.py"])])).toBe(
      undefined,
    );
  });

  it("refuses a file that is a folder in another wheel, naming both wheels and members", () => {
    const problem = installProblem([wheel("a", ["clash"]), wheel("b", ["clash/inside.py"])]);
    expect(problem).toEqual({
      message:
        'the wheel a-1.0-py3-none-any.whl installs "clash" as a file, and the wheel b-1.0-py3-none-any.whl installs "clash/inside.py", inside "clash" as a folder: no file system holds both',
      hint: expect.stringContaining("cannot be installed together"),
      wheel: "b-1.0-py3-none-any.whl",
    });
  });

  it("sees files that are never shipped too: pip writes them before anything is removed", () => {
    const problem = installProblem([wheel("a", ["include/python/x.h", "include/python/x.h/inside.py"])]);
    expect(problem).toHaveProperty("message", expect.stringContaining('"include/python/x.h" as a file, and also'));
    // .data/data/lib/… stays in pip's home, and is written there all the same
    const data = installProblem([wheel("a", ["a-1.0.data/data/lib/x", "a-1.0.data/data/lib/x/y"])]);
    expect(data).toHaveProperty("message", expect.stringContaining("a-1.0.data/data/lib/x"));
    // a root file against .data/data/lib/python/…: the same folder in pip's home
    const lib = installProblem([wheel("a", ["a.py"]), wheel("b", ["b-1.0.data/data/lib/python/a.py/x"])]);
    expect(lib).toHaveProperty("message", expect.stringContaining('"a.py" as a file'));
  });

  it("leaves to pip a .data/data item the tree already has (pip --target skips it)", () => {
    expect(installProblem([wheel("a", ["a/__init__.py", "a-1.0.data/data/a/more.py"])])).toEqual({
      unusual: expect.stringContaining('"a-1.0.data/data/a/more.py" would land in "a"'),
    });
    expect(installProblem([wheel("a", ["a-1.0.data/data/share/x"]), wheel("b", ["share/__init__.py"])])).toEqual({
      unusual: expect.stringContaining("which the tree already has"),
    });
  });
});
