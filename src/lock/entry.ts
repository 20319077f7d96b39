/**
 * The per-entry half of the collect-errors pattern: a reader checks every package entry and
 * reports all their errors together, so one bad entry is collected and the next one read.
 */
import { UserError } from "../errors.ts";
import { checkName, type FieldOrigin } from "./grammar.ts";
import { normalizeName } from "./types.ts";

/** Where one package entry of a lock is, and how its errors name it. */
export interface EntryOrigin {
  /** the normalized name */
  name: string;
  /** the name as the lock writes it */
  rawName: string;
  /** how messages name the entry (`[[packages]] name = "x"`, `"default" → "x"`) */
  table: string;
  where: { file: string; line: number | undefined; distribution: string };
  /** `where` with the hint for a field that fails its grammar */
  at: FieldOrigin;
}

/** The entry's origin once its name passes the name grammar; a bad name is collected into `errors` and gives undefined. */
export function entryOrigin(
  raw: { rawName: string; table: string; file: string; line: number | undefined; hint: string },
  errors: UserError[],
): EntryOrigin | undefined {
  const { rawName, table, file, line, hint } = raw;
  const before = errors.length;
  collectError(errors, () => checkName(rawName, { file, line, hint }));
  if (errors.length > before) return undefined;
  const name = normalizeName(rawName);
  const where = { file, line, distribution: name };
  return { name, rawName, table, where, at: { ...where, hint } };
}

/** Runs one entry's reading; a UserError it throws goes into `errors`, anything else propagates. */
export function collectError(errors: UserError[], read: () => void): void {
  try {
    read();
  } catch (e) {
    if (e instanceof UserError) errors.push(e);
    else throw e;
  }
}
