import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { QueryInputError } from '@callboard/catalog-index';
import { TooManyRequestsException } from './too-many-requests.exception';

// Backstage's error names for the statuses its clients branch on.
const ERROR_NAMES: Record<number, string> = {
  400: 'InputError',
  401: 'AuthenticationError',
  403: 'NotAllowedError',
  404: 'NotFoundError',
  409: 'ConflictError',
  412: 'NotModifiedError',
  // http-errors' names, which Backstage's error handler passes on for body-parser's failures.
  413: 'PayloadTooLargeError',
  415: 'UnsupportedMediaTypeError',
  429: 'TooManyRequestsError',
};

function isClientHttpError(error: unknown): error is Error & { status: number } {
  const status = (error as { status?: unknown } | null)?.status;
  return error instanceof Error && typeof status === 'number' && status >= 400 && status < 500;
}

/**
 * Answers every error with Backstage's error body, which @backstage/catalog-client and the
 * Backstage frontend parse: `{ error: { name, message }, request: { method, url }, response: { statusCode } }`.
 */
@Catch()
export class BackstageErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(BackstageErrorFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const context = host.switchToHttp();
    const request = context.getRequest<Request>();
    const response = context.getResponse<Response>();
    let status: number = HttpStatus.INTERNAL_SERVER_ERROR;
    let message = 'Internal server error';
    if (exception instanceof QueryInputError) {
      status = HttpStatus.BAD_REQUEST;
      message = exception.message;
    } else if (exception instanceof HttpException) {
      status = exception.getStatus();
      const body = exception.getResponse();
      message = typeof body === 'string' ? body : String((body as { message?: unknown }).message ?? exception.message);
    } else if (isClientHttpError(exception)) {
      // Body-parser failures keep their status (400 malformed, 413 too large, 415 charset or
      // encoding), as Backstage's error handler keeps an error's `status`.
      status = exception.status;
      message = exception.message;
    } else {
      this.logger.error({ msg: 'unhandled error', err: exception, url: request.url });
    }
    if (exception instanceof TooManyRequestsException) response.setHeader('Retry-After', String(exception.retryAfterSeconds));
    response.status(status).json({
      error: { name: ERROR_NAMES[status] ?? (status >= 500 ? 'Error' : 'InputError'), message },
      // Relative to the API's mount point, as Backstage reports it.
      request: { method: request.method, url: (request.originalUrl ?? request.url).replace(/^\/api\/catalog(?=\/|$)/, '') || '/' },
      response: { statusCode: status },
    });
  }
}
