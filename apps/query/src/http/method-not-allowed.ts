import type { NextFunction, Request, Response } from 'express';
import type { OpenAPIObject } from '@nestjs/swagger';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/**
 * Answers a method the API does not offer on a path it has with 405 and an `Allow` header
 * (RFC 9110), instead of the 404 an unknown path gets. The routes come from the OpenAPI
 * document, which is generated from the controllers, so the two cannot disagree.
 */
export function methodNotAllowed(document: OpenAPIObject) {
  const routes = Object.entries(document.paths).map(([template, item]) => {
    const pattern = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+');
    const methods = METHODS.filter((method) => item[method]).map((method) => method.toUpperCase());
    if (methods.includes('GET')) methods.push('HEAD');
    return { matcher: new RegExp(`^${pattern}/?$`), methods, parameters: (template.match(/\{/g) ?? []).length };
  });
  return (req: Request, res: Response, next: NextFunction): void => {
    let matching = routes.filter((route) => route.matcher.test(req.path));
    if (matching.length === 0) return next();
    // A literal path names its own resource: `/locations/by-query` is not the location `by-query`.
    const fewest = Math.min(...matching.map((route) => route.parameters));
    matching = matching.filter((route) => route.parameters === fewest);
    const allowed = [...new Set(matching.flatMap((route) => route.methods))];
    if (allowed.includes(req.method)) return next();
    const statusCode = 405;
    res
      .status(statusCode)
      .setHeader('Allow', allowed.join(', '))
      .json({
        error: { name: 'MethodNotAllowedError', message: `${req.method} is not allowed on ${req.path}; allowed: ${allowed.join(', ')}` },
        request: { method: req.method, url: req.originalUrl.replace(/^\/api\/catalog(?=\/|$)/, '') || '/' },
        response: { statusCode },
      });
  };
}
