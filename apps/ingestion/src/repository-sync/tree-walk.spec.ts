import { listFiles, TreeListing } from './tree-walk';

describe('listFiles', () => {
  it('uses a complete recursive listing as is, files only', async () => {
    const read = jest.fn(async (): Promise<TreeListing> => ({
      truncated: false,
      entries: [
        { path: 'catalog-info.yaml', type: 'blob', sha: '1' },
        { path: 'services', type: 'tree', sha: '2' },
        { path: 'services/a/catalog-info.yaml', type: 'blob', sha: '3' },
        { path: 'vendor/lib', type: 'commit', sha: '4' },
      ],
    }));
    expect(await listFiles(read, 'root')).toEqual(['catalog-info.yaml', 'services/a/catalog-info.yaml']);
    expect(read).toHaveBeenCalledTimes(1);
  });

  it('walks subtrees when a recursive listing is truncated, at every level that is', async () => {
    const trees: Record<string, { flat: TreeListing; recursive: TreeListing }> = {
      root: {
        recursive: { truncated: true, entries: [{ path: 'catalog-info.yaml', type: 'blob', sha: 'f0' }] },
        flat: {
          truncated: false,
          entries: [
            { path: 'catalog-info.yaml', type: 'blob', sha: 'f0' },
            { path: 'big', type: 'tree', sha: 'big' },
            { path: 'small', type: 'tree', sha: 'small' },
          ],
        },
      },
      big: {
        recursive: { truncated: true, entries: [] },
        flat: { truncated: false, entries: [{ path: 'x', type: 'tree', sha: 'x' }, { path: 'catalog-info.yaml', type: 'blob', sha: 'f1' }] },
      },
      x: { recursive: { truncated: false, entries: [{ path: 'y/catalog-info.yaml', type: 'blob', sha: 'f2' }] }, flat: { truncated: false, entries: [] } },
      small: { recursive: { truncated: false, entries: [{ path: 'z.yaml', type: 'blob', sha: 'f3' }] }, flat: { truncated: false, entries: [] } },
    };
    const read = async (sha: string, recursive: boolean) => (recursive ? trees[sha].recursive : trees[sha].flat);
    expect(await listFiles(read, 'root')).toEqual(['big/catalog-info.yaml', 'big/x/y/catalog-info.yaml', 'catalog-info.yaml', 'small/z.yaml']);
  });
});
