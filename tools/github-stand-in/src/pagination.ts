/** What GitHub's list endpoints read from the request to page a result. */
export interface PageRequest {
  /** Base URL the client used (links point back to it). */
  api: string;
  /** Path of the request, as received. */
  pathname: string;
  query: Record<string, string>;
}

export interface Page<T> {
  items: T[];
  total: number;
  /** The `Link` header (`next`, `last`, `prev`, `first`), absent on a single page. */
  headers: Record<string, string>;
}

/**
 * One page of `items` by `per_page` (default 30, at most 100) and `page` (from 1), with the
 * `Link` header GitHub sends, which is what Octokit's paginate follows.
 */
export function paginate<T>(items: readonly T[], request: PageRequest): Page<T> {
  const perPage = Math.min(100, Math.max(1, Number.parseInt(request.query.per_page ?? '30', 10) || 30));
  const page = Math.max(1, Number.parseInt(request.query.page ?? '1', 10) || 1);
  const lastPage = Math.max(1, Math.ceil(items.length / perPage));
  const link = (p: number) => {
    const url = new URL(`${request.api}${request.pathname}`);
    for (const [key, value] of Object.entries(request.query)) url.searchParams.set(key, value);
    url.searchParams.set('per_page', String(perPage));
    url.searchParams.set('page', String(p));
    return url.toString();
  };
  const links: string[] = [];
  if (page > 1) links.push(`<${link(Math.min(page - 1, lastPage))}>; rel="prev"`);
  if (page < lastPage) links.push(`<${link(page + 1)}>; rel="next"`, `<${link(lastPage)}>; rel="last"`);
  if (page > 1) links.push(`<${link(1)}>; rel="first"`);
  return {
    items: items.slice((page - 1) * perPage, page * perPage),
    total: items.length,
    headers: links.length ? { link: links.join(', ') } : {},
  };
}
