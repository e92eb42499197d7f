import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CsvReader } from '../src/import/csv.js';

const all = (text: string) => {
  const reader = new CsvReader(text);
  const rows: string[][] = [];
  for (let row = reader.next(); row; row = reader.next()) rows.push(row.fields);
  return rows;
};

test('RFC 4180: quoted fields with commas, doubled quotes and line breaks; CRLF or LF; no final line break', () => {
  assert.deepEqual(all('a,b,c\r\n"1, 2","say ""hi""","two\nlines"\r\nx,,z'), [
    ['a', 'b', 'c'],
    ['1, 2', 'say "hi"', 'two\nlines'],
    ['x', '', 'z'],
  ]);
});

test("Cognito's backslash before a comma is a comma; other backslashes and inner quotes stay", () => {
  assert.deepEqual(all('Bob\\, Jr.,C:\\path,5" tall\n'), [['Bob, Jr.', 'C:\\path', '5" tall']]);
});

test('a byte order mark is not part of the first column; line numbers count records', () => {
  const reader = new CsvReader('\uFEFFcognito:username,email\nann,a@example.com\n');
  assert.deepEqual(reader.next()!.fields, ['cognito:username', 'email']);
  assert.equal(reader.line, 1);
  assert.deepEqual(reader.next()!.fields, ['ann', 'a@example.com']);
  assert.equal(reader.line, 2);
  assert.equal(reader.next(), undefined);
  assert.equal(reader.done, true);
});
