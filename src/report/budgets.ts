/** The overview's Budgets row: each budget set, with the figure against it, so a pass shows its headroom. */
import type { Budgets } from "../inputs-budgets.ts";
import { formatBytes } from "../units.ts";
import type { ColdStartOutcome } from "../verify/coldstart.ts";
import { ms } from "./coldstart.ts";

const share = (value: number, limit: number) => `${Math.round((value / limit) * 100)} %`;

export function budgetsRow(
  budgets: Budgets | undefined,
  figures: { unzippedSize: number; built: boolean; coldStart?: ColdStartOutcome },
): [string, string] | undefined {
  const { maxUnzippedSize, maxImportMs } = budgets ?? {};
  const parts: string[] = [];
  if (maxUnzippedSize !== undefined) {
    const used = figures.built
      ? `${formatBytes(figures.unzippedSize)}, ${share(figures.unzippedSize, maxUnzippedSize)}`
      : "not checked";
    parts.push(`max-unzipped-size ${formatBytes(maxUnzippedSize)}: ${used}`);
  }
  if (maxImportMs !== undefined) {
    const c = figures.coldStart;
    const used =
      c && "measured" in c
        ? `${ms(c.measured.import.medianMs)}, ${share(c.measured.import.medianMs, maxImportMs)}`
        : "not checked: the import was not measured";
    parts.push(`max-import-ms ${ms(maxImportMs)}: ${used}`);
  }
  return parts.length > 0 ? ["Budgets", parts.join(" · ")] : undefined;
}
