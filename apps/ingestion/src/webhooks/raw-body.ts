import type { NestExpressApplication } from '@nestjs/platform-express';
import express, { NextFunction, Request, Response } from 'express';

/**
 * The signature covers the exact bytes GitHub sent, so the webhook route keeps the body raw
 * (any content type) up to a limit, and turns body-parser failures into JSON 4xx answers.
 */
export function useRawWebhookBody(app: NestExpressApplication, path: string, limitBytes: number): void {
  app.use(path, express.raw({ type: () => true, limit: limitBytes }));
  app.use(path, (err: { status?: number; type?: string; message?: string }, _req: Request, res: Response, next: NextFunction) => {
    if (!err) return next();
    const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 400;
    const message = err.type === 'entity.too.large' ? `body larger than ${limitBytes} bytes` : (err.message ?? 'unreadable body');
    res.status(status).json({ statusCode: status, message, error: err.type ?? 'Bad Request' });
  });
}
