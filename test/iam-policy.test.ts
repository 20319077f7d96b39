/**
 * The deploy policy in the README names exactly the IAM actions the code needs: every
 * AWS SDK command src/deploy/ imports maps to its IAM action, and the policy must hold
 * those and nothing else. A new call without a README update, or a permission the code
 * no longer needs, fails here.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const DEPLOY = "src/deploy";

/** Where the IAM action is not the command's own name (the Service Authorization Reference). */
const IAM_ACTIONS: Record<string, string[]> = {
  "lambda:GetLayerVersionByArn": ["lambda:GetLayerVersion"],
  "lambda:Invoke": ["lambda:InvokeFunction"],
  "s3:HeadBucket": ["s3:ListBucket"],
  "s3:HeadObject": ["s3:GetObject"],
  // lib-storage's Upload: PutObject, or Create/UploadPart/CompleteMultipartUpload (all
  // s3:PutObject), and AbortMultipartUpload when a multipart upload fails
  "s3:Upload": ["s3:PutObject", "s3:AbortMultipartUpload"],
};

const SERVICES: Record<string, string> = {
  "@aws-sdk/client-cloudwatch": "cloudwatch",
  "@aws-sdk/client-lambda": "lambda",
  "@aws-sdk/client-s3": "s3",
  "@aws-sdk/lib-storage": "s3",
};

/** Value imports from the AWS SDK in one source file, one entry per imported name. */
function sdkImports(source: string): { module: string; name: string }[] {
  const found: { module: string; name: string }[] = [];
  for (const m of source.matchAll(/import\s*\{([^}]*)\}\s*from\s*"(@aws-sdk\/[^"]+)"/g)) {
    for (const raw of (m[1] ?? "").split(",")) {
      const name = raw.trim();
      if (!name || name.startsWith("type ")) continue;
      found.push({ module: m[2] ?? "", name: name.split(/\s+as\s+/)[0] ?? name });
    }
  }
  return found;
}

/** The IAM actions a set of SDK imports needs; names that send nothing (clients) are skipped. */
function neededActions(imports: { module: string; name: string }[]): Set<string> {
  const actions = new Set<string>();
  for (const { module, name } of imports) {
    const service = SERVICES[module];
    expect(service, `${module} (${name}): which IAM service does it call? add it to this test`).toBeDefined();
    if (/Client$/.test(name)) continue;
    // waiters poll with a Get call of their own: map them explicitly when one is imported
    expect(name, `${module} ${name}: map it to its IAM actions in IAM_ACTIONS`).toMatch(/Command$|^Upload$/);
    const operation = `${service}:${name.replace(/Command$/, "")}`;
    for (const action of IAM_ACTIONS[operation] ?? [operation]) actions.add(action);
  }
  return actions;
}

function readmePolicy(): { Statement: { Action: string | string[]; Resource: string | string[] }[] } {
  const readme = readFileSync("README.md", "utf8");
  const m = readme.match(/<!-- iam-policy:deploy -->\s*```json\n([\s\S]*?)\n```/);
  expect(m, "README.md: the deploy policy block after <!-- iam-policy:deploy -->").not.toBeNull();
  return JSON.parse(m![1]!);
}

describe("the README's deploy IAM policy", () => {
  const files = readdirSync(DEPLOY).filter((f) => f.endsWith(".ts"));
  const imports = files.flatMap((f) => sdkImports(readFileSync(path.join(DEPLOY, f), "utf8")));
  const needed = neededActions(imports);
  const policy = readmePolicy();
  const granted = new Set(policy.Statement.flatMap((s) => [s.Action].flat()));

  it("grants every action the deploy code's SDK calls need", () => {
    // the reading found the calls: a parser that finds nothing would pass vacuously
    expect(needed).toContain("lambda:UpdateFunctionCode");
    expect(needed).toContain("s3:PutObject");
    expect([...needed].filter((a) => !granted.has(a)).sort()).toEqual([]);
  });

  it("grants nothing the code does not call", () => {
    expect([...granted].filter((a) => !needed.has(a)).sort()).toEqual([]);
  });

  it("scopes every statement to named resources, never *, except for actions that take no resource", () => {
    // the Service Authorization Reference lists no resource type for these: only "*" grants them
    const noResource = new Set(["cloudwatch:GetMetricData"]);
    for (const s of policy.Statement) {
      if ([s.Action].flat().every((a: string) => noResource.has(a))) {
        expect(s.Resource).toBe("*");
        continue;
      }
      for (const r of [s.Resource].flat()) expect(r).toMatch(/^arn:aws:(lambda|s3|cloudwatch):[^*]*[^:*]+(:\*|\/\*)?$/);
    }
  });
});

describe("reading the SDK imports", () => {
  it("takes value imports, skips type imports, and keeps the module", () => {
    const source = `import {\n  CreateAliasCommand,\n  type FunctionConfiguration,\n  GetAliasCommand as Get,\n} from "@aws-sdk/client-lambda";\nimport { Upload } from "@aws-sdk/lib-storage";`;
    expect(sdkImports(source)).toEqual([
      { module: "@aws-sdk/client-lambda", name: "CreateAliasCommand" },
      { module: "@aws-sdk/client-lambda", name: "GetAliasCommand" },
      { module: "@aws-sdk/lib-storage", name: "Upload" },
    ]);
  });
});
