/**
 * The budgets a build must stay within, or fail its step after the zips are written and
 * the summary rendered: `max-unzipped-size` and `max-import-ms`. Unset, nothing is checked.
 */
import { Input } from "./constants.ts";
import { UserError } from "./errors.ts";
import type { GetInput } from "./input-values.ts";
import { parseSize } from "./units.ts";

export interface Budgets {
  /** bytes, function and layer together, unzipped */
  maxUnzippedSize?: number;
  /** the handler's import, median milliseconds */
  maxImportMs?: number;
}

export function loadBudgets(get: GetInput, errors: UserError[]): Budgets {
  const sizeText = get(Input.MaxUnzippedSize).trim();
  const maxUnzippedSize = sizeText ? parseSize(sizeText) : undefined;
  if (sizeText && maxUnzippedSize === undefined) {
    errors.push(
      new UserError(`input max-unzipped-size is "${sizeText}": not a size`, {
        hint: "write whole bytes (`209715200`) or a number with B, KB, MB or GB (`200MB`, `1.5 GB`; 1 MB = 1,048,576 bytes, as Lambda counts)",
      }),
    );
  }
  const msText = get(Input.MaxImportMs).trim();
  const ms = /^(\d+(?:\.\d+)?)\s*(ms)?$/i.exec(msText);
  const maxImportMs = ms ? Number(ms[1]) : undefined;
  if (msText && !(maxImportMs && maxImportMs > 0)) {
    errors.push(
      new UserError(`input max-import-ms is "${msText}": not a number of milliseconds`, {
        hint: "write the most the handler's import may take, in milliseconds: `max-import-ms: 800`",
      }),
    );
  }
  return { maxUnzippedSize, maxImportMs: maxImportMs || undefined };
}
