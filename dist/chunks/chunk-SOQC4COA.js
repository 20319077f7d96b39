import { createRequire as __lppCreateRequire } from 'node:module'; const require = __lppCreateRequire(import.meta.url);
import {
  exactBytes,
  formatBytes
} from "./chunk-CYE4DHQG.js";
import {
  UserError,
  UserErrors
} from "./chunk-LYXEWKKS.js";

// src/budgets.ts
var BudgetsExceeded = class extends UserErrors {
};
var ms = (n) => `${Math.round(n * 10) / 10} ms`;
function checkBudgets(budgets, facts) {
  const exceeded = [];
  const unchecked = [];
  const { maxUnzippedSize, maxImportMs } = budgets;
  if (maxUnzippedSize !== void 0 && facts.unzippedSize > maxUnzippedSize) {
    const largest = [...facts.sizes].sort((a, b) => b.bytes - a.bytes || a.name.localeCompare(b.name)).slice(0, 3).map((s) => `${s.name} ${formatBytes(s.bytes)}`);
    exceeded.push(
      new UserError(
        `budget max-unzipped-size exceeded: the package is ${formatBytes(facts.unzippedSize)} unzipped (${exactBytes(facts.unzippedSize)}), over ${formatBytes(maxUnzippedSize)} (${exactBytes(maxUnzippedSize)}); largest: ${largest.join(", ")}`,
        {
          hint: "leave out what the function does not need (`slim: true`, `exclude-packages`, a smaller dependency), or raise max-unzipped-size"
        }
      )
    );
  }
  if (maxImportMs !== void 0) {
    const c = facts.coldStart;
    if (!c) unchecked.push(`max-import-ms not checked: no \`handler\` input, so the import is not measured`);
    else if ("skipped" in c) unchecked.push(`max-import-ms not checked: the import was not measured (${c.skipped})`);
    else if (c.measured.import.medianMs > maxImportMs) {
      const m = c.measured;
      const heaviest = m.packages.slice(0, 3).map((p) => `${p.name} ${ms(p.cumulativeMs)}`);
      exceeded.push(
        new UserError(
          `budget max-import-ms exceeded: the handler's import takes ${ms(m.import.medianMs)} on this runner (median of ${m.import.runs} runs, ${ms(m.import.minMs)}\u2013${ms(m.import.maxMs)}), over ${ms(maxImportMs)}${heaviest.length ? `; heaviest: ${heaviest.join(", ")} (cumulative)` : ""}`,
          {
            hint: "import heavy packages inside the function that uses them, ship bytecode (`compile: auto`), drop what is not needed, or raise max-import-ms"
          }
        )
      );
    }
  }
  return { exceeded, unchecked };
}

export {
  BudgetsExceeded,
  checkBudgets
};
