/**
 * Pure: what a Lambda handler string names, where its module sits in the zips, and
 * whether the module's text defines the function. The definition check is a scan of
 * the module's lines for a top-level `def name(`, `async def name(`, an assignment
 * `name =` or an import that binds `name`: it does not run the code, so it works for
 * every architecture, and it cannot see names made at run time (setattr, globals()).
 */
import { UserError } from "../errors.ts";
import { LAYER_PREFIX } from "../zip/package.ts";

const IDENTIFIER = "[A-Za-z_][A-Za-z0-9_]*";
/** `app.handler`, `orders/api.main`, `orders.api.main`: Lambda's Python handler grammar. */
const HANDLER = new RegExp(`^${IDENTIFIER}(?:[./]${IDENTIFIER})*\\.${IDENTIFIER}$`);

export interface HandlerRef {
  /** as written */
  handler: string;
  /** dotted, as `import` takes it */
  module: string;
  /** the module's path without extension, `/`-separated */
  modulePath: string;
  function: string;
}

export function parseHandler(handler: string): HandlerRef | UserError {
  if (handler.length > 128 || !HANDLER.test(handler)) {
    return new UserError(`handler "${handler}" is not a Python handler (MODULE.FUNCTION, e.g. app.handler)`, {
      hint: "write the module path and the function name as Lambda's Handler setting takes them: app.handler or orders/api.main",
    });
  }
  const cut = handler.lastIndexOf(".");
  const modulePath = handler.slice(0, cut).replace(/\./g, "/");
  return { handler, module: modulePath.replace(/\//g, "."), modulePath, function: handler.slice(cut + 1) };
}

export type ModuleHome = { zip: "function" | "layer"; entry: string };

/** Where Lambda would import the module from: the function's code first, then the layer's python/. */
export function findModule(
  ref: HandlerRef,
  functionEntries: ReadonlySet<string>,
  layerEntries: ReadonlySet<string>,
): ModuleHome | undefined {
  const names = [`${ref.modulePath}.py`, `${ref.modulePath}/__init__.py`];
  for (const entry of names) if (functionEntries.has(entry)) return { zip: "function", entry };
  for (const entry of names)
    if (layerEntries.has(`${LAYER_PREFIX}${entry}`)) return { zip: "layer", entry: `${LAYER_PREFIX}${entry}` };
  return undefined;
}

/** The line that defines `name` at the top level of the module, or undefined. */
export function definitionLine(source: string, name: string): number | undefined {
  const definition = new RegExp(
    `^(?:(?:async\\s+)?def\\s+${name}\\s*\\(|${name}\\s*(?::[^=]*)?=(?!=)|from\\s+\\S+\\s+import\\s+.*\\b(?:${name})\\b|import\\s+.*\\bas\\s+${name}\\b)`,
  );
  const lines = source.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) if (definition.test(lines[i] ?? "")) return i + 1;
  return undefined;
}

export interface StaticCheck {
  home?: ModuleHome;
  /** undefined when the module was not found or its text says nothing */
  line?: number;
  refusal?: UserError;
}

/** The static check's verdict, from the zips' entry names and the module's text once found. */
export function staticVerdict(
  ref: HandlerRef,
  home: ModuleHome | undefined,
  source: string | undefined,
  zips: { function?: string; layer?: string },
): StaticCheck {
  if (!home) {
    const looked = [
      ...(zips.function ? [`${zips.function} (${ref.modulePath}.py, ${ref.modulePath}/__init__.py)`] : []),
      ...(zips.layer ? [`${zips.layer} (under ${LAYER_PREFIX})`] : []),
    ].join(" and ");
    return {
      refusal: new UserError(`handler ${ref.handler}: module ${ref.module} is not in ${looked || "any zip"}`, {
        hint: "check the handler's module path against the source files shipped (`source`, `exclude`), or fix `handler`",
      }),
    };
  }
  const line = source === undefined ? undefined : definitionLine(source, ref.function);
  if (line === undefined) {
    return {
      home,
      refusal: new UserError(
        `handler ${ref.handler}: ${home.entry} defines no top-level ${ref.function} (no \`def ${ref.function}(\`, \`async def\`, assignment or import of that name)`,
        {
          where: { file: home.zip === "function" ? home.entry : undefined },
          hint: "fix the function name in `handler`, or define it in the module",
        },
      ),
    };
  }
  return { home, line };
}
