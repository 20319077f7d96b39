/**
 * Pure: the build against the budgets the workflow set. Each budget exceeded is an error
 * naming the budget, the figure and the three largest contributors; a budget that cannot
 * be checked (the import was not measured) is a line for a warning, never a pass in silence.
 * Unset budgets check nothing: measuring alone never fails a build.
 */
import { UserError, UserErrors } from "./errors.ts";
import type { Budgets } from "./inputs-budgets.ts";
import { exactBytes, formatBytes } from "./units.ts";
import type { ColdStartOutcome } from "./verify/coldstart.ts";

export interface BudgetFacts {
  unzippedSize: number;
  /** what the unzipped size is made of: each distribution, and the function code */
  sizes: { name: string; bytes: number }[];
  /** the handler's import; absent without a `handler` */
  coldStart?: ColdStartOutcome;
}

export interface BudgetVerdict {
  exceeded: UserError[];
  /** budgets set but not checkable, each with why */
  unchecked: string[];
}

/** The step fails with these; the build's result rides along so the report still shows everything. */
export class BudgetsExceeded extends UserErrors {}

const ms = (n: number) => `${Math.round(n * 10) / 10} ms`;

export function checkBudgets(budgets: Budgets, facts: BudgetFacts): BudgetVerdict {
  const exceeded: UserError[] = [];
  const unchecked: string[] = [];
  const { maxUnzippedSize, maxImportMs } = budgets;
  if (maxUnzippedSize !== undefined && facts.unzippedSize > maxUnzippedSize) {
    const largest = [...facts.sizes]
      .sort((a, b) => b.bytes - a.bytes || a.name.localeCompare(b.name))
      .slice(0, 3)
      .map((s) => `${s.name} ${formatBytes(s.bytes)}`);
    exceeded.push(
      new UserError(
        `budget max-unzipped-size exceeded: the package is ${formatBytes(facts.unzippedSize)} unzipped (${exactBytes(facts.unzippedSize)}), over ${formatBytes(maxUnzippedSize)} (${exactBytes(maxUnzippedSize)}); largest: ${largest.join(", ")}`,
        {
          hint: "leave out what the function does not need (`slim: true`, `exclude-packages`, a smaller dependency), or raise max-unzipped-size",
        },
      ),
    );
  }
  if (maxImportMs !== undefined) {
    const c = facts.coldStart;
    if (!c) unchecked.push(`max-import-ms not checked: no \`handler\` input, so the import is not measured`);
    else if ("skipped" in c) unchecked.push(`max-import-ms not checked: the import was not measured (${c.skipped})`);
    else if (c.measured.import.medianMs > maxImportMs) {
      const m = c.measured;
      const heaviest = m.packages.slice(0, 3).map((p) => `${p.name} ${ms(p.cumulativeMs)}`);
      exceeded.push(
        new UserError(
          `budget max-import-ms exceeded: the handler's import takes ${ms(m.import.medianMs)} on this runner (median of ${m.import.runs} runs, ${ms(m.import.minMs)}–${ms(m.import.maxMs)}), over ${ms(maxImportMs)}${heaviest.length ? `; heaviest: ${heaviest.join(", ")} (cumulative)` : ""}`,
          {
            hint: "import heavy packages inside the function that uses them, ship bytecode (`compile: auto`), drop what is not needed, or raise max-import-ms",
          },
        ),
      );
    }
  }
  return { exceeded, unchecked };
}
