import type { Entity } from '@backstage/catalog-model';
import { InvalidReadOptionError, orderEntities, parseCountParam, parseFieldsParam, parseOrderParam, projectFields } from './entity-read-options';

const e = (name: string, type?: string): Entity => ({ apiVersion: 'v1', kind: 'Component', metadata: { name, annotations: { 'backstage.io/x': name } }, spec: type ? { type } : {} });

describe('read options', () => {
  it('projects dotted fields, dropping absent ones', () => {
    expect(projectFields(e('a', 'service'), parseFieldsParam(['kind,metadata.name', 'spec.type', 'spec.nothing']))).toEqual({ kind: 'Component', metadata: { name: 'a' }, spec: { type: 'service' } });
    expect(projectFields(e('a'), undefined)).toEqual(e('a'));
    expect(() => parseFieldsParam(['metadata.tags[0]'])).toThrow(InvalidReadOptionError);
  });

  it('orders case-insensitively, missing values last in both directions, ties stable', () => {
    const list = [e('b', 'Web'), e('a'), e('c', 'api'), e('d', 'web')];
    expect(orderEntities(list, parseOrderParam(['asc:spec.type'])).map((x) => x.metadata.name)).toEqual(['c', 'b', 'd', 'a']);
    expect(orderEntities(list, parseOrderParam(['desc:spec.type', 'asc:metadata.name'])).map((x) => x.metadata.name)).toEqual(['b', 'd', 'c', 'a']);
    expect(() => parseOrderParam(['sideways:metadata.name'])).toThrow(/asc:<field>/);
  });

  it('accepts only non-negative integers for offset and limit', () => {
    expect(parseCountParam('10', 'limit')).toBe(10);
    expect(parseCountParam(undefined, 'limit')).toBeUndefined();
    expect(() => parseCountParam('-1', 'limit')).toThrow(/limit/);
    expect(() => parseCountParam('1e3', 'offset')).toThrow(/offset/);
  });
});
