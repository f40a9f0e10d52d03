import { decodeIncoming, decodeRelationRows, encodeIncoming, encodeRelationRows } from './relation-encoding';

describe('relation encodings', () => {
  it('round-trips emitted rows and a relation index, empty ones included', () => {
    const rows = [
      { source: 'component:default/a', type: 'ownedBy', target: 'group:default/t' },
      { source: 'group:default/t', type: 'ownerOf', target: 'component:default/a' },
    ];
    expect(decodeRelationRows(encodeRelationRows(rows))).toEqual(rows);
    expect(decodeRelationRows(encodeRelationRows([]))).toEqual([]);
    const incoming = [
      { origin: 'component:default/a', originRevision: 3, relations: [{ type: 'ownerOf', targetRef: 'component:default/a' }] },
      { origin: 'user:default/b.c', originRevision: 12, relations: [{ type: 'hasMember', targetRef: 'user:default/b.c' }, { type: 'parentOf', targetRef: 'group:default/x' }] },
    ];
    expect(decodeIncoming(encodeIncoming(incoming))).toEqual(incoming);
    expect(decodeIncoming(encodeIncoming([]))).toEqual([]);
  });
});
