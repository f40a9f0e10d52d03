import { parseCatalogFile } from './catalog-file';
import { resolveRelativePath } from './placeholders';

const api = (definition: string) => `apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: orders
spec:
  type: openapi
  lifecycle: production
  owner: team-a
  definition:
${definition}
`;

describe('placeholders', () => {
  const files: Record<string, string> = { './openapi.yaml': 'openapi: 3.0.0\ninfo:\n  title: Orders\n', './meta.json': '{"tier": 1}' };
  const read = async (target: string) => {
    if (!(target in files)) throw new Error('Not Found');
    return files[target];
  };

  it('replaces $text with the file text, as Backstage does for API definitions', async () => {
    const file = await parseCatalogFile(api('    $text: ./openapi.yaml'), { readPlaceholder: read });
    expect(file.errors).toEqual([]);
    expect(file.entities.get('api:default/orders')?.spec?.definition).toBe('openapi: 3.0.0\ninfo:\n  title: Orders\n');
  });

  it('parses $json and $yaml', async () => {
    const doc = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: svc
  annotations:
    x: y
spec:
  type: service
  lifecycle: production
  owner: team-a
  extra:
    $json: ./meta.json
  openapi:
    $yaml: ./openapi.yaml
`;
    const file = await parseCatalogFile(doc, { readPlaceholder: read });
    expect(file.entities.get('component:default/svc')?.spec).toMatchObject({ extra: { tier: 1 }, openapi: { openapi: '3.0.0', info: { title: 'Orders' } } });
  });

  it('rejects only the document whose placeholder cannot be read, with the reason', async () => {
    const file = await parseCatalogFile(`${api('    $text: ./missing.yaml')}---\n${api('    $text: ./openapi.yaml').replace('name: orders', 'name: other')}`, { readPlaceholder: read });
    expect([...file.entities.keys()]).toEqual(['api:default/other']);
    expect(file.errors[0]).toMatchObject({ index: 0, message: 'placeholder $text could not read ./missing.yaml: Not Found' });
    // The author is pointed at the placeholder's field and line.
    expect(file.errors[0].problem).toEqual({
      documentIndex: 0,
      line: 9,
      field: 'spec.definition',
      ref: 'api:default/orders',
      code: 'invalid-placeholder',
      message: 'spec.definition: placeholder $text could not read ./missing.yaml: Not Found (document 1, line 9)',
      detail: 'placeholder $text could not read ./missing.yaml: Not Found',
    });
  });

  it('resolves targets relative to the catalog file, and not outside the repository scheme', () => {
    expect(resolveRelativePath('services/a/catalog-info.yaml', './openapi.yaml')).toBe('services/a/openapi.yaml');
    expect(resolveRelativePath('services/a/catalog-info.yaml', '../shared/api.yaml')).toBe('services/shared/api.yaml');
    expect(resolveRelativePath('catalog-info.yaml', 'docs/api.yaml')).toBe('docs/api.yaml');
    expect(resolveRelativePath('catalog-info.yaml', 'https://example.com/api.yaml')).toBeNull();
  });
});
