/**
 * The CSV reader of user import jobs: RFC 4180 (fields separated by commas, records by CRLF or LF,
 * a field in double quotes may hold commas, line breaks and doubled quotes), plus Cognito's own
 * escape, a backslash before a comma in an unquoted field ("If an attribute value contains a comma,
 * you must put a backslash (\) before the comma", developer guide, "Formatting the CSV file").
 *
 * It reads one record at a time from a position in the text, so a 100 MB file is parsed batch by
 * batch between turns of the event loop instead of in one blocking pass.
 */
export class CsvReader {
  private pos = 0;
  /** 1-based line number of the record read last (the header is line 1), as Cognito's logs count. */
  line = 0;

  constructor(private readonly text: string) {
    // UTF-8 without a byte order mark, Cognito says; a BOM is tolerated rather than read into the first column.
    if (text.charCodeAt(0) === 0xfeff) this.pos = 1;
  }

  get done(): boolean {
    return this.pos >= this.text.length;
  }

  /** The next record's fields and its length in characters, or undefined at the end. */
  next(): { fields: string[]; length: number } | undefined {
    const text = this.text;
    if (this.pos >= text.length) return undefined;
    const start = this.pos;
    const fields: string[] = [];
    let field = '';
    let i = this.pos;
    this.line++;
    for (;;) {
      if (i >= text.length) {
        fields.push(field);
        break;
      }
      const ch = text.charCodeAt(i);
      if (ch === 0x22 /* " */ && field.trim() === '') {
        // A quoted field: up to the closing quote, "" stands for one quote.
        field = '';
        i++;
        for (;;) {
          const q = text.indexOf('"', i);
          if (q < 0) {
            field += text.slice(i);
            i = text.length;
            break;
          }
          field += text.slice(i, q);
          if (text.charCodeAt(q + 1) === 0x22) {
            field += '"';
            i = q + 2;
          } else {
            i = q + 1;
            break;
          }
        }
        // Anything between the closing quote and the separator is kept, as lenient readers do.
        continue;
      }
      if (ch === 0x5c /* \ */ && text.charCodeAt(i + 1) === 0x2c /* , */) {
        field += ',';
        i += 2;
        continue;
      }
      if (ch === 0x2c) {
        fields.push(field);
        field = '';
        i++;
        continue;
      }
      if (ch === 0x0a || ch === 0x0d) {
        fields.push(field);
        i += ch === 0x0d && text.charCodeAt(i + 1) === 0x0a ? 2 : 1;
        break;
      }
      // Plain run of characters up to the next special one.
      let j = i + 1;
      while (j < text.length) {
        const c = text.charCodeAt(j);
        if (c === 0x2c || c === 0x0a || c === 0x0d || c === 0x5c || c === 0x22) break;
        j++;
      }
      field += text.slice(i, j);
      i = j;
    }
    this.pos = i;
    return { fields, length: i - start };
  }
}
