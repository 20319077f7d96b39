import { createRequire as __lppCreateRequire } from 'node:module'; const require = __lppCreateRequire(import.meta.url);

// src/errors.ts
var UserError = class extends Error {
  where;
  hint;
  constructor(message, options = {}) {
    super(message, { cause: options.cause });
    this.name = "UserError";
    this.where = options.where ?? {};
    this.hint = options.hint;
  }
  /** the whole message as a user reads it: location, problem, what to do */
  describe() {
    const at = [this.where.file && (this.where.line ? `${this.where.file}:${this.where.line}` : this.where.file)].filter(Boolean).join("");
    const head = at ? `${at}: ${this.message}` : this.message;
    return this.hint ? `${head}
  \u2192 ${this.hint}` : head;
  }
};
var UserErrors = class extends UserError {
  errors;
  constructor(errors) {
    super(errors.map((e) => e.describe()).join("\n"), { where: errors[0]?.where });
    this.errors = errors;
  }
};
function throwAll(errors) {
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new UserErrors(errors);
}

export {
  UserError,
  UserErrors,
  throwAll
};
