// Random edits (replace, delete, insert) of a real text, for the property tests of the text parsers.
import fc from 'fast-check';

/** Up to 12 edits of `base`, each deleting up to `maxDelete` characters and inserting up to 10 of `alphabet`. */
export function mutatedText(base: string, alphabet: string, maxDelete = 8): fc.Arbitrary<string> {
  return fc
    .array(
      fc.record({
        at: fc.nat(base.length),
        del: fc.nat(maxDelete),
        ins: fc.string({ unit: fc.constantFrom(...alphabet), maxLength: 10 }),
      }),
      { maxLength: 12 },
    )
    .map((edits) => {
      let s = base;
      for (const e of edits) s = s.slice(0, e.at) + e.ins + s.slice(e.at + e.del);
      return s;
    });
}
