// The process edges a command needs, passed in so tests can run commands in-process.

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Defaults to "/proc"; --proc-root overrides. */
  procRoot: string;
  isRoot: boolean;
  /**
   * The descriptor behind `stdout`, when output may be written to it directly (the real one):
   * setting up process.stdout for a pipe loads Node's stream and net modules, milliseconds a
   * one-shot command does not need to spend.
   */
  stdoutFd?: number;
}

/** A mistake the user can fix: printed as one sentence, exit status 2 unless given. */
/** Marks a UserError whichever copy of this module made it (see hasInstance). */
const USER_ERROR = Symbol.for('bwtop.UserError');

export class UserError extends Error {
  readonly [USER_ERROR] = true;

  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }

  // `bwtop connections` runs from one bundled file with its own copy of this module (see
  // package.json's build); the entry's `instanceof UserError` must still recognise its errors.
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[USER_ERROR] === true;
  }
}
