// The process edges a command needs, passed in so tests can run commands in-process.

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Defaults to "/proc"; --proc-root overrides. */
  procRoot: string;
  isRoot: boolean;
}

/** A mistake the user can fix: printed as one sentence, exit status 2 unless given. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}
