import { describe, expect, it } from 'vitest';
import { CsvReader } from '../../src/upstreams/civis/csv.js';

/** Parses `text` fed in pieces of `size` characters. */
function parse(text: string, delimiter = ',', size = text.length || 1) {
  const r = new CsvReader(delimiter);
  for (let i = 0; i < text.length; i += size) r.push(text.slice(i, i + size));
  return r.end();
}

describe('CsvReader', () => {
  it('reads quoted fields with delimiters, doubled quotes and line ends inside, whatever the chunk size', () => {
    const text = '"id","note"\r\n"1","a, ""b""\nc"\r\n"2",""\n';
    const expected = [
      ['id', 'note'],
      ['1', 'a, "b"\nc'],
      ['2', ''],
    ];
    for (const size of [1, 2, 3, 7, 100]) expect(parse(text, ',', size)).toEqual(expected);
  });

  it('reads an empty unquoted field as null (SQL NULL), and "" as the empty string', () => {
    expect(parse('"1",,""\n,"x",\n')).toEqual([
      ['1', null, ''],
      [null, 'x', null],
    ]);
  });

  it('takes tab and pipe delimiters, a last line without a line end, and skips blank lines', () => {
    expect(parse('a\tb\n\n1\t2', '\t')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(parse('a|b\r\n1|2\r\n', '|', 1)).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(parse('')).toEqual([]);
  });
});
