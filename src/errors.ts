/**
 * Errors are values a user can act on: what is wrong, where (file, line, package),
 * and what to do. Every stage throws UserError for problems that are the user's
 * to fix; anything else is a bug and is reported as such.
 */
export interface Where {
  /** a path relative to the working directory where possible */
  file?: string;
  line?: number;
  /** the distribution (package) responsible */
  distribution?: string;
}

export class UserError extends Error {
  readonly where: Where;
  readonly hint?: string;
  constructor(message: string, options: { where?: Where; hint?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "UserError";
    this.where = options.where ?? {};
    this.hint = options.hint;
  }

  /** the whole message as a user reads it: location, problem, what to do */
  describe(): string {
    const at = [this.where.file && (this.where.line ? `${this.where.file}:${this.where.line}` : this.where.file)]
      .filter(Boolean)
      .join("");
    const head = at ? `${at}: ${this.message}` : this.message;
    return this.hint ? `${head}\n  → ${this.hint}` : head;
  }
}

/** Several user errors found in one pass (all unpinned lines at once, not one per run). */
export class UserErrors extends UserError {
  readonly errors: UserError[];
  constructor(errors: UserError[]) {
    super(errors.map((e) => e.describe()).join("\n"), { where: errors[0]?.where });
    this.errors = errors;
  }
}

export function throwAll(errors: UserError[]): void {
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new UserErrors(errors);
}
