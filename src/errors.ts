/**
 * Typed errors thrown by the core. The CLI maps them to exit codes:
 * UsageError -> 2 (the user asked for something that cannot be), CharnnError -> 1 (runtime).
 * `hint` is an optional second line telling the user what to try.
 */
export class CharnnError extends Error {
  readonly hint: string | undefined;
  constructor(message: string, hint?: string) {
    super(message);
    this.name = 'CharnnError';
    this.hint = hint;
  }
}

export class UsageError extends CharnnError {
  constructor(message: string, hint?: string) {
    super(message, hint);
    this.name = 'UsageError';
  }
}
