import { ArgumentsHost, Catch, ExceptionFilter, ServiceUnavailableException } from '@nestjs/common';
import type { Response } from 'express';

/**
 * Kafka did not acknowledge a delivery's record (in time, or at all): the delivery is not
 * accepted, and the answer says when asking again is worthwhile.
 */
export class DeliveryNotRecordedException extends ServiceUnavailableException {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** Nest's JSON error body for the 503, with its Retry-After header. */
@Catch(DeliveryNotRecordedException)
export class DeliveryNotRecordedFilter implements ExceptionFilter<DeliveryNotRecordedException> {
  catch(exception: DeliveryNotRecordedException, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    response.setHeader('Retry-After', String(exception.retryAfterSeconds));
    response.status(exception.getStatus()).json(exception.getResponse());
  }
}
