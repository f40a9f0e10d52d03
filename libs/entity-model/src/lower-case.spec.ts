import { lowerCase } from './lower-case';

describe('lowerCase', () => {
  it("gives what Backstage's toLocaleLowerCase('en-US') gives for every code point of the Basic Multilingual Plane", () => {
    const differing: string[] = [];
    for (let code = 0; code <= 0xffff; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const char = String.fromCharCode(code);
      if (lowerCase(char) !== char.toLocaleLowerCase('en-US')) differing.push(code.toString(16));
    }
    expect(differing).toEqual([]);
  });

  it('applies the context-dependent mappings as the locale-aware call does', () => {
    // Final sigma, dotted capital I: mapped by context, not by a table of single code points.
    for (const text of ['ΟΔΟΣ', 'ΣΑΣ ΣΑΣ.', 'İstanbul', 'Component:Default/Payments-API', 'ǅemal', '𐐀𐐁']) {
      expect(lowerCase(text)).toBe(text.toLocaleLowerCase('en-US'));
    }
  });
});
