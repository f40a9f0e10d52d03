import { HttpException, HttpStatus } from '@nestjs/common';

/** A request refused for its rate, with when asking again can succeed (the Retry-After header). */
export class TooManyRequestsException extends HttpException {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message, HttpStatus.TOO_MANY_REQUESTS);
  }
}
