/**
 * A failure that retrying cannot fix (bad input found while processing): the message is
 * dead-lettered with the reason and its partition moves on. Any other error is treated as
 * transient and the work is tried again.
 */
export class PermanentProcessingError extends Error {
  constructor(
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}
