/**
 * The AWS CLI shorthand syntax: `Name=email,Value=a@b.c`, `Key=[a,b]`, `Outer={Inner=1}`,
 * quoted values ('...' and "..."), `\,` for a literal comma, and `key@=file://path` to load a
 * value from a file. Parsing is purely syntactic (every scalar is a string); `applyModel` then
 * converts scalars to the model's types and wraps single values where the model wants a list,
 * as the AWS CLI does.
 */
import { readParamFile } from './paramFile.js';
import { shapeOf, type Shape } from './model.js';

export type ShorthandValue = string | ShorthandValue[] | { [key: string]: ShorthandValue };

export class ShorthandError extends Error {}

// Character classes of the AWS CLI grammar (code units; astral characters fall in the last range).
const START_WORD = '!#-&(-+\\--<>-Z\\\\-z|-\\uffff';
const FIRST_FOLLOW = '\\s!#-&(-+\\--\\\\^-|~-\\uffff';
const SECOND_FOLLOW = '\\s!#-&(-+\\--<>-\\uffff';
const FIRST_VALUE = new RegExp(`^((\\\\,)|[${START_WORD}])((\\\\,)|[${FIRST_FOLLOW}])*`);
const SECOND_VALUE = new RegExp(`^((\\\\,)|[${START_WORD}])((\\\\,)|[${SECOND_FOLLOW}])*`);
const SINGLE_QUOTED = /^'(?:\\'|[^'])*'/;
const DOUBLE_QUOTED = /^"(?:\\"|[^"])*"/;
const KEY_CHARS = /[A-Za-z0-9\-_.#/:]/;
const WHITESPACE = /[ \t\n\r\x0b\x0c]/;

function errorLocation(value: string, index: number): string {
  let consumed = value;
  let remaining = '';
  let spaces = index;
  const before = value.slice(0, index);
  if (before.includes('\n')) spaces = index - before.lastIndexOf('\n') - 1;
  const after = value.slice(index);
  if (after.includes('\n')) {
    const next = index + after.indexOf('\n');
    consumed = value.slice(0, next);
    remaining = value.slice(next);
  }
  return `${consumed}\n${' '.repeat(spaces)}^${remaining}`;
}

class SyntaxErr extends ShorthandError {
  constructor(value: string, expected: string, actual: string, index: number) {
    super(`Expected: '${expected}', received: '${actual}' for input:\n${errorLocation(value, index)}`);
  }
}

class Parser {
  private i = 0;
  private resolveFiles = false;
  constructor(private readonly input: string) {}

  parse(): { [key: string]: ShorthandValue } {
    const params: { [key: string]: ShorthandValue } = {};
    let [key, val] = this.keyval();
    params[key] = val;
    let lastIndex = this.i;
    while (this.i < this.input.length) {
      this.expect(',', true);
      [key, val] = this.keyval();
      if (Object.prototype.hasOwnProperty.call(params, key)) {
        throw new ShorthandError(
          `Second instance of key "${key}" encountered for input:\n${errorLocation(this.input, lastIndex + 1)}\n` +
            'This is often because there is a preceding "," instead of a space.',
        );
      }
      params[key] = val;
      lastIndex = this.i;
    }
    return params;
  }

  private keyval(): [string, ShorthandValue] {
    const key = this.key();
    this.fileMarker();
    this.expect('=', true);
    return [key, this.values()];
  }

  private fileMarker(): void {
    this.resolveFiles = false;
    const save = this.i;
    this.whitespace();
    if (this.current() === '@') {
      this.i++;
      this.whitespace();
      this.resolveFiles = true;
    } else {
      this.i = save;
    }
  }

  private key(): string {
    const start = this.i;
    while (!this.eof() && KEY_CHARS.test(this.input[this.i]!)) this.i++;
    return this.input.slice(start, this.i);
  }

  private values(): ShorthandValue {
    if (this.eof()) return '';
    if (this.current() === '[') return this.explicitList();
    if (this.current() === '{') return this.hashLiteral();
    return this.csvValue();
  }

  private csvValue(): ShorthandValue {
    const first = this.firstValue();
    this.whitespace();
    if (this.eof() || this.input[this.i] !== ',') return first;
    this.expect(',', true);
    const list: string[] = [first];
    for (;;) {
      try {
        const current = this.secondValue();
        this.whitespace();
        if (this.eof()) {
          list.push(current);
          break;
        }
        this.expect(',', true);
        list.push(current);
      } catch (err) {
        if (!(err instanceof SyntaxErr) || this.eof()) throw err;
        // What follows the comma is the next key=value pair, not another list element.
        while (this.i >= 0 && this.input[this.i] !== ',') this.i--;
        break;
      }
    }
    return list.length === 1 ? first : list;
  }

  private explicitList(): ShorthandValue[] {
    this.expect('[', true);
    const values: ShorthandValue[] = [];
    while (this.current() !== ']') {
      values.push(this.explicitValue());
      this.whitespace();
      if (this.current() !== ']') {
        this.expect(',');
        this.whitespace();
      }
    }
    this.expect(']');
    return values;
  }

  private explicitValue(): ShorthandValue {
    if (this.current() === '[') return this.explicitList();
    if (this.current() === '{') return this.hashLiteral();
    return this.firstValue();
  }

  private hashLiteral(): { [key: string]: ShorthandValue } {
    this.expect('{', true);
    const out: { [key: string]: ShorthandValue } = {};
    while (this.current() !== '}') {
      const key = this.key();
      this.fileMarker();
      this.expect('=', true);
      const v = this.explicitValue();
      this.whitespace();
      if (this.current() !== '}') {
        this.expect(',');
        this.whitespace();
      }
      out[key] = v;
    }
    this.expect('}');
    return out;
  }

  private firstValue(): string {
    const c = this.current();
    if (c === "'") return this.quoted(SINGLE_QUOTED, "'");
    if (c === '"') return this.quoted(DOUBLE_QUOTED, '"');
    const m = FIRST_VALUE.exec(this.input.slice(this.i));
    if (!m) return '';
    this.i += m[0].length;
    return this.resolve(m[0].replaceAll('\\,', ',').trimEnd());
  }

  private secondValue(): string {
    const c = this.current();
    if (c === "'") return this.quoted(SINGLE_QUOTED, "'");
    if (c === '"') return this.quoted(DOUBLE_QUOTED, '"');
    const m = SECOND_VALUE.exec(this.input.slice(this.i));
    if (!m) throw new SyntaxErr(this.input, '<second>', '<none>', this.i);
    this.i += m[0].length;
    return this.resolve(m[0].replaceAll('\\,', ',').trimEnd());
  }

  private quoted(re: RegExp, quote: string): string {
    const m = re.exec(this.input.slice(this.i));
    if (!m) {
      throw new SyntaxErr(this.input, quote === "'" ? '<singled quoted>' : '<double quoted>', '<none>', this.i);
    }
    this.i += m[0].length;
    const value = m[0].slice(1, -1).replaceAll(`\\${quote}`, quote).replaceAll('\\\\', '\\');
    return this.resolve(value);
  }

  private resolve(value: string): string {
    if (!this.resolveFiles) return value;
    const loaded = readParamFile(value);
    return loaded === undefined ? value : typeof loaded === 'string' ? loaded : loaded.toString('utf8');
  }

  private expect(char: string, consumeWhitespace = false): void {
    if (consumeWhitespace) this.whitespace();
    if (this.i >= this.input.length) throw new SyntaxErr(this.input, char, 'EOF', this.i);
    const actual = this.input[this.i]!;
    if (actual !== char) throw new SyntaxErr(this.input, char, actual, this.i);
    this.i++;
    if (consumeWhitespace) this.whitespace();
  }

  private current(): string | undefined {
    return this.i < this.input.length ? this.input[this.i] : undefined;
  }

  private eof(): boolean {
    return this.i >= this.input.length;
  }

  private whitespace(): void {
    while (!this.eof() && WHITESPACE.test(this.input[this.i]!)) this.i++;
  }
}

/** Parses one shorthand expression (`a=b,c=d`) into nested string values. */
export function parseShorthand(value: string): { [key: string]: ShorthandValue } {
  return new Parser(value).parse();
}

/** True when the model allows shorthand for a shape: structures, maps and lists of those. */
export function supportsShorthand(shape: Shape): boolean {
  if (shape.document) return false;
  if (shape.type === 'structure' || shape.type === 'map') return true;
  if (shape.type === 'list') {
    const member = shapeOf(shape.member!.shape);
    return member.type === 'structure' || member.type === 'list' || member.type === 'map';
  }
  return false;
}

/**
 * Converts parsed shorthand to the model's types in place: integers and booleans from their
 * text, a single value where a list is expected becomes a one-element list. Values that do not
 * convert stay strings; parameter validation reports them.
 */
export function applyModel(value: unknown, shape: Shape): unknown {
  switch (shape.type) {
    case 'structure': {
      if (shape.document && value !== undefined) {
        throw new ShorthandError('Shorthand syntax does not support document types. Use JSON input for top-level argument to specify nested parameter');
      }
      if (!isPlainObject(value)) return value;
      for (const [member, ref] of Object.entries(shape.members ?? {})) {
        if (!(member in value)) continue;
        const memberShape = shapeOf(ref.shape);
        if (memberShape.document) {
          throw new ShorthandError(
            `Shorthand syntax does not support document types. Use JSON input for top-level argument to specify nested parameter: ${member}`,
          );
        }
        value[member] = applyModel(value[member], memberShape);
      }
      return value;
    }
    case 'list': {
      const member = shapeOf(shape.member!.shape);
      if (!Array.isArray(value)) return value === undefined ? value : [applyModel(value, member)];
      return value.map((v) => applyModel(v, member));
    }
    case 'map': {
      if (!isPlainObject(value)) return value;
      const valueShape = shapeOf(shape.value!.shape);
      for (const k of Object.keys(value)) value[k] = applyModel(value[k], valueShape);
      return value;
    }
    default:
      return convertScalar(value, shape);
  }
}

function convertScalar(value: unknown, shape: Shape): unknown {
  if (typeof value !== 'string') return value;
  switch (shape.type) {
    case 'integer':
    case 'long': {
      const n = parsePythonInt(value);
      if (n === undefined) throw new ShorthandError(`invalid literal for int() with base 10: '${value}'`);
      return n;
    }
    case 'float':
    case 'double': {
      const n = Number(value.trim());
      if (value.trim() === '' || Number.isNaN(n)) throw new ShorthandError(`could not convert string to float: '${value}'`);
      return n;
    }
    case 'boolean':
      if (value.toLowerCase() === 'true') return true;
      if (value.toLowerCase() === 'false') return false;
      return value;
    default:
      return value;
  }
}

/** Python's int(text): optional sign, digits with optional single underscores, surrounding whitespace. */
export function parsePythonInt(text: string): number | undefined {
  const t = text.trim();
  if (!/^[+-]?\d+(_\d+)*$/.test(t)) return undefined;
  return Number(t.replaceAll('_', ''));
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}
