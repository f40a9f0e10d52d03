import { jsonNestingExceeds } from './json-depth';

describe('jsonNestingExceeds', () => {
  it('counts objects and arrays, as text or bytes', () => {
    expect(jsonNestingExceeds('{"a":[{"b":1}]}', 3)).toBe(false);
    expect(jsonNestingExceeds('{"a":[{"b":[]}]}', 3)).toBe(true);
    expect(jsonNestingExceeds(Buffer.from('[[[[1]]]]'), 4)).toBe(false);
    expect(jsonNestingExceeds(Buffer.from('[[[[[1]]]]]'), 4)).toBe(true);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(jsonNestingExceeds('{"a":"[[[[{{{{"}', 1)).toBe(false);
    expect(jsonNestingExceeds('{"a":"\\"[[[[","b":"\\\\"}', 1)).toBe(false);
    expect(jsonNestingExceeds('{"a":"\\\\","b":[[1]]}', 2)).toBe(true);
  });

  it('measures the deepest point, not the number of containers', () => {
    expect(jsonNestingExceeds(`[${'[],'.repeat(10_000)}[]]`, 2)).toBe(false);
    expect(jsonNestingExceeds('['.repeat(100_000), 64)).toBe(true);
  });
});
