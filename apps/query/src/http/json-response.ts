import type { Request, Response } from 'express';

/**
 * Sends JSON text built by splicing stored entity JSON, so a page of entities is never parsed
 * and re-serialised. Express adds a weak ETag and answers a matching If-None-Match with 304.
 */
export function sendJsonText(res: Response, text: string): void {
  res.type('application/json; charset=utf-8').send(text);
}

/**
 * Sends one entity with its own etag as a strong ETag: a portal that polls an entity page gets
 * 304 until the entity changes.
 */
export function sendEntityText(req: Request, res: Response, json: string, etag: string): void {
  if (etag) res.setHeader('ETag', `"${etag}"`);
  if (etag && req.fresh) {
    res.status(304).end();
    return;
  }
  sendJsonText(res, json);
}
