import type { Request, Response } from 'express';

/**
 * Sends JSON built by splicing stored entity JSON, so a page of entities is never parsed and
 * re-serialised. Express adds a weak ETag and answers a matching If-None-Match with 304.
 */
export function sendJsonText(res: Response, body: string | Buffer): void {
  res.type('application/json; charset=utf-8').send(body);
}

/** RFC 9110 weak comparison of If-None-Match against the current entity tag. */
function noneMatchHits(header: string | undefined, tag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === tag);
}

/**
 * Sends one entity with its own etag as a strong ETag: a portal that polls an entity page gets
 * 304 until the entity changes. Checked here rather than by Express, whose freshness check
 * ignores If-None-Match on requests carrying `Cache-Control: no-cache`, which fetch() adds to
 * every conditional request.
 */
export function sendEntityText(req: Request, res: Response, json: string | Buffer, etag: string): void {
  if (etag) res.setHeader('ETag', `"${etag}"`);
  if (etag && noneMatchHits(req.headers['if-none-match'], `"${etag}"`)) {
    res.status(304).end();
    return;
  }
  sendJsonText(res, json);
}
