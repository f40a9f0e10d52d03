import { paginate } from './pagination';

describe('paginate', () => {
  const items = Array.from({ length: 7 }, (_, i) => i + 1);
  const request = (query: Record<string, string>) => ({ api: 'http://gh.test', pathname: '/orgs/acme/members', query });

  it('serves 30 per page by default, with no Link header when one page holds everything', () => {
    expect(paginate(items, request({}))).toEqual({ items, total: 7, headers: {} });
  });

  it("pages by per_page and page with GitHub's Link relations, keeping other parameters", () => {
    const first = paginate(items, request({ per_page: '3', role: 'admin' }));
    expect(first.items).toEqual([1, 2, 3]);
    expect(first.headers.link).toBe(
      '<http://gh.test/orgs/acme/members?per_page=3&role=admin&page=2>; rel="next", <http://gh.test/orgs/acme/members?per_page=3&role=admin&page=3>; rel="last"',
    );
    const middle = paginate(items, request({ per_page: '3', page: '2' }));
    expect(middle.items).toEqual([4, 5, 6]);
    expect(middle.headers.link.split(', ').map((l) => /rel="(\w+)"/.exec(l)![1])).toEqual(['prev', 'next', 'last', 'first']);
    const last = paginate(items, request({ per_page: '3', page: '3' }));
    expect(last.items).toEqual([7]);
    expect(last.headers.link).not.toMatch(/rel="next"/);
  });

  it('clamps per_page to 1..100 and treats nonsense as the defaults', () => {
    const many = Array.from({ length: 250 }, (_, i) => i);
    expect(paginate(many, request({ per_page: '500' })).items).toHaveLength(100);
    expect(paginate(many, request({ per_page: 'x', page: 'y' })).items).toEqual(many.slice(0, 30));
    expect(paginate(items, request({ page: '9' })).items).toEqual([]);
  });
});
