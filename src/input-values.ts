/**
 * Reading one input's text: lists, booleans, one of a set. Each refusal joins the
 * others in `errors`, so every wrong input is reported in one run.
 */
import { Input } from "./constants.ts";
import { UserError } from "./errors.ts";

export type GetInput = (name: Input) => string;

/** What other tools call the two architectures, and what to write instead. */
const ARCHITECTURE_ALIASES: Record<string, string> = {
  aarch64: "Lambda calls 64-bit ARM (Graviton) `arm64`: set `architecture: arm64`",
  arm: "Lambda calls 64-bit ARM (Graviton) `arm64`: set `architecture: arm64`",
  armv8: "Lambda calls 64-bit ARM (Graviton) `arm64`: set `architecture: arm64`",
  amd64: "Lambda calls 64-bit Intel/AMD `x86_64`: set `architecture: x86_64`",
  x64: "Lambda calls 64-bit Intel/AMD `x86_64`: set `architecture: x86_64`",
  "x86-64": "Lambda calls 64-bit Intel/AMD `x86_64`: set `architecture: x86_64`",
};

export function lines(value: string): string[] {
  return value
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
}

export function bool(name: Input, value: string, fallback: boolean, errors: UserError[]): boolean {
  if (value === "") return fallback;
  if (/^(true|yes|on|1)$/i.test(value)) return true;
  if (/^(false|no|off|0)$/i.test(value)) return false;
  errors.push(
    new UserError(`input ${name} must be true or false, got "${value}"`, { hint: `set \`${name}\` to true or false` }),
  );
  return fallback;
}

export function oneOf<T extends string>(
  name: Input,
  value: string,
  allowed: readonly T[],
  errors: UserError[],
): T | undefined {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  errors.push(
    new UserError(`input ${name} is "${value}"; valid values: ${allowed.join(", ")}`, {
      hint:
        ARCHITECTURE_ALIASES[name === Input.Architecture ? value.toLowerCase() : ""] ??
        `set \`${name}\` to one of: ${allowed.join(", ")}`,
    }),
  );
  return undefined;
}
