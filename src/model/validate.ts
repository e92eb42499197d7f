/**
 * Request validation generated from the service model, answering the way AWS's front end does.
 *
 * Two phases, as on AWS:
 *  1. Deserialization: a JSON value of the wrong kind for its member (a number for a string, an
 *     array for a structure, a float for an integer, ...) is a `SerializationException`, thrown at
 *     the first one found. It wins over any constraint violation.
 *  2. Constraint validation: every violation of `required`, length (`min`/`max` on strings, lists,
 *     maps and blobs), range (`min`/`max` on numbers), `pattern` and `enum` is collected, and all
 *     of them are reported in one `InvalidParameterException`:
 *
 *       1 validation error detected: Value '-1' at 'limit' failed to satisfy constraint: Member must
 *       have value greater than or equal to 0
 *       2 validation errors detected: Value ... ; Value ...            (joined with "; ")
 *
 *     Observed AWS messages this follows (Cognito answers them as InvalidParameterException):
 *       - "Value '-1' at 'limit' failed to satisfy constraint: Member must have value greater than
 *         or equal to 0" (AdminListGroupsForUser, aws/aws-sdk-js#2193)
 *       - "4 validation errors detected: Value at 'password' failed to satisfy constraint: Member
 *         must have length greater than or equal to 6; Value at 'password' failed to satisfy
 *         constraint: Member must satisfy regular expression pattern: [\S]+; ..." (SignUp;
 *         amazon-cognito-identity-js#388): sensitive values are left out ("Value at"), and one
 *         value can fail several constraints, each counted.
 *       - "Value 'false' at 'mfaConfiguration' failed to satisfy constraint: Member must satisfy
 *         enum value set: [OPTIONAL, OFF, ON]" (CreateUserPool). AWS prints the set in Java
 *         HashSet order; we print the model order, which is stable.
 *       - "Value 'phone_number_verified' at 'schema.1.member.name' failed to satisfy constraint:
 *         Member must have length less than or equal to 20" (aws/aws-cdk#14699): list elements
 *         are `<list>.<1-based index>.member`.
 *       - "Value '[ADMIN_USER_PASSWORD_AUTH]' at 'explicitAuthFlows' failed to satisfy constraint:
 *         Member must satisfy constraint: [Member must satisfy enum value set: [...]]": a list of
 *         simple values is reported once, at the list, listing the element shape's constraints.
 *       - "... failed to satisfy constraint: Map keys must satisfy constraint: [Member must have
 *         length less than or equal to 64, Member must have length greater than or equal to 1,
 *         Member must satisfy regular expression pattern: ...]" and "Map value must satisfy
 *         constraint: [...]" for maps (other AWS JSON services; same framework).
 *       - Member names are lowerCamelCase by lowering only the first letter
 *         ("advancedSecurityOptions.sAMLOptions.masterUserName").
 *
 * Values are printed the way Java prints them: strings bare, lists as `[a, b]`, maps as `{k=v}`.
 * A value is never printed when its shape, its member reference, an enclosing shape, or any shape
 * inside it is `sensitive` (or it is a blob): the message then reads `Value at '<path>'`.
 *
 * String length is counted in Unicode code points (a surrogate pair is one character), as Smithy
 * defines `@length` for strings; blob length is the decoded byte count.
 *
 * SerializationException messages use AWS's own wording where it is known ("Start of structure or
 * map found where not expected", "Start of list found where not expected", "STRING_VALUE can not
 * be converted to an Integer") with " at '<path>'" appended; they never contain a value.
 *
 * Members of the input that the model does not know are ignored, as AWS does. JSON `null` for a
 * member or a map value is the same as leaving it out (AWS JSON 1.1). The validator returns the
 * input as handlers see it: the model's members only, nulls removed, map keys as own entries. So
 * no handler can tell a null member from an absent one, and no unknown member (`__proto__`, an
 * internal setting's name) reaches one. A null list element stays a validation error, as on AWS.
 *
 * Validators are compiled once per operation on first use (shapes shared between operations are
 * compiled once), so a request costs one walk over the input and nothing else.
 */
import { InvalidParameterException, SerializationException, UnknownOperationException } from '../errors.js';
import { getOperation, getShape, type Shape, type ShapeRef } from './serviceModel.js';

// ---------------------------------------------------------------------------------------------
// Java regex -> JavaScript RegExp
// ---------------------------------------------------------------------------------------------

/** Java's line terminators, which `.` (without DOTALL) does not match and `$` may precede. */
const JAVA_LINE_TERMINATORS = '\\n\\r\\u0085\\u2028\\u2029';
/** Java's `\s` is ASCII-only (JavaScript's also matches NBSP, U+2028, ...). */
const JAVA_SPACE_SET = ' \\t\\n\\x0B\\f\\r';

/** POSIX classes Java spells \p{Alpha} etc. (US-ASCII only, as in java.util.regex by default). */
const POSIX_SETS: Record<string, string> = {
  Lower: 'a-z',
  Upper: 'A-Z',
  ASCII: '\\x00-\\x7F',
  Alpha: 'a-zA-Z',
  Digit: '0-9',
  Alnum: 'a-zA-Z0-9',
  Punct: '!-\\/:-@\\[-`{-~',
  Graph: '!-~',
  Print: ' -~',
  Blank: ' \\t',
  Cntrl: '\\x00-\\x1F\\x7F',
  XDigit: '0-9a-fA-F',
  Space: JAVA_SPACE_SET,
};

/** Unicode general categories both Java and JavaScript accept as \p{..}. */
const GENERAL_CATEGORIES = new Set([
  'L', 'Lu', 'Ll', 'Lt', 'Lm', 'Lo', 'LC',
  'M', 'Mn', 'Mc', 'Me',
  'N', 'Nd', 'Nl', 'No',
  'P', 'Pc', 'Pd', 'Ps', 'Pe', 'Pi', 'Pf', 'Po',
  'S', 'Sm', 'Sc', 'Sk', 'So',
  'Z', 'Zs', 'Zl', 'Zp',
  'C', 'Cc', 'Cf', 'Co', 'Cs', 'Cn',
]);

/** One parsed escape or literal. */
type Atom =
  | { kind: 'char'; cp: number }
  /** A character-class body (JS class syntax), possibly negated, e.g. Java's \s and \S. */
  | { kind: 'set'; body: string; negated: boolean }
  /** A JS escape that means the same inside and outside a class: \d \D \w \W \p{..} \P{..}. */
  | { kind: 'native'; text: string }
  /** Only valid outside a class: anchors, word boundaries, back references. */
  | { kind: 'assert'; text: string };

const SYNTAX_CHARS = new Set('^$\\.*+?()[]{}|/'.split(''));
const CLASS_SPECIAL_CHARS = new Set('\\]^-['.split(''));

function hex(cp: number): string {
  return `\\u{${cp.toString(16)}}`;
}

function escapeOutside(cp: number): string {
  const ch = String.fromCodePoint(cp);
  if (SYNTAX_CHARS.has(ch)) return '\\' + ch;
  if (cp < 0x20 || cp === 0x7f || (cp >= 0xd800 && cp <= 0xdfff)) return hex(cp);
  return ch;
}

function escapeInClass(cp: number): string {
  const ch = String.fromCodePoint(cp);
  if (CLASS_SPECIAL_CHARS.has(ch)) return '\\' + ch;
  if (cp < 0x20 || cp === 0x7f || (cp >= 0xd800 && cp <= 0xdfff)) return hex(cp);
  return ch;
}

class JavaRegexTranslator {
  private i = 0;
  private dotAll = false;
  private ignoreCase = false;

  constructor(private readonly src: string) {}

  private fail(what: string): never {
    throw new Error(`Unsupported Java regex construct (${what}) in pattern: ${this.src}`);
  }

  translate(): RegExp {
    const src = this.src;
    let out = '';
    // Leading inline flags, e.g. (?s).*
    const flags = /^\(\?([a-zA-Z]+)\)/.exec(src);
    if (flags) {
      for (const f of flags[1]) {
        if (f === 's') this.dotAll = true;
        else if (f === 'i') this.ignoreCase = true;
        else if (f === 'u' || f === 'U') {
          /* Unicode case folding / classes: JS `u` mode already works on code points. */
        } else this.fail(`inline flag ${f}`);
      }
      this.i = flags[0].length;
    }
    while (this.i < src.length) {
      const c = src[this.i];
      switch (c) {
        case '\\': {
          this.i++;
          out += this.atomOutside(this.escape(false));
          break;
        }
        case '[':
          out += this.charClass();
          break;
        case '(': {
          this.i++;
          if (src[this.i] !== '?') {
            out += '(';
            break;
          }
          const rest = src.slice(this.i + 1);
          const m = /^(:|=|!|<=|<!|<[a-zA-Z][a-zA-Z0-9]*>)/.exec(rest);
          if (!m) this.fail('group kind');
          out += '(?' + m[1];
          this.i += 1 + m[1].length;
          break;
        }
        case ')':
        case '|':
          out += c;
          this.i++;
          break;
        case '*':
        case '+':
        case '?':
          out += c;
          this.i++;
          this.quantifierSuffix();
          out += this.lazySuffix();
          break;
        case '{': {
          const m = /^\{\d+(,\d*)?\}/.exec(src.slice(this.i));
          if (!m) this.fail('bare {');
          out += m[0];
          this.i += m[0].length;
          this.quantifierSuffix();
          out += this.lazySuffix();
          break;
        }
        case '.':
          out += this.dotAll ? '[^]' : `[^${JAVA_LINE_TERMINATORS}]`;
          this.i++;
          break;
        case '^':
          out += '^';
          this.i++;
          break;
        case '$':
          // Java's `$` (no MULTILINE) also matches before a final line terminator.
          out += `(?=(?:\\r\\n|[${JAVA_LINE_TERMINATORS}])?$)`;
          this.i++;
          break;
        default: {
          const cp = src.codePointAt(this.i)!;
          out += escapeOutside(cp);
          this.i += cp > 0xffff ? 2 : 1;
        }
      }
    }
    const flagsOut = 'u' + (this.ignoreCase ? 'i' : '');
    return new RegExp(`^(?:${out})$`, flagsOut);
  }

  /** After a quantifier: Java's possessive `+` has no JS equivalent. */
  private quantifierSuffix(): void {
    if (this.src[this.i] === '+') this.fail('possessive quantifier');
  }

  private lazySuffix(): string {
    if (this.src[this.i] === '?') {
      this.i++;
      return '?';
    }
    return '';
  }

  private atomOutside(a: Atom): string {
    switch (a.kind) {
      case 'char':
        return escapeOutside(a.cp);
      case 'set':
        return `[${a.negated ? '^' : ''}${a.body}]`;
      case 'native':
      case 'assert':
        return a.text;
    }
  }

  /** Parses an escape; `this.i` is just past the backslash. */
  private escape(inClass: boolean): Atom {
    const src = this.src;
    const c = src[this.i];
    if (c === undefined) this.fail('trailing backslash');
    this.i++;
    switch (c) {
      case 't':
        return { kind: 'char', cp: 0x09 };
      case 'n':
        return { kind: 'char', cp: 0x0a };
      case 'r':
        return { kind: 'char', cp: 0x0d };
      case 'f':
        return { kind: 'char', cp: 0x0c };
      case 'a':
        return { kind: 'char', cp: 0x07 };
      case 'e':
        return { kind: 'char', cp: 0x1b };
      case '0': {
        const m = /^[0-3]?[0-7]{1,2}/.exec(src.slice(this.i)) ?? this.fail('octal escape');
        this.i += m[0].length;
        return { kind: 'char', cp: parseInt(m[0], 8) };
      }
      case 'x': {
        const m = /^(?:\{([0-9a-fA-F]+)\}|([0-9a-fA-F]{2}))/.exec(src.slice(this.i)) ?? this.fail('\\x escape');
        this.i += m[0].length;
        return { kind: 'char', cp: parseInt(m[1] ?? m[2], 16) };
      }
      case 'u': {
        const m = /^[0-9a-fA-F]{4}/.exec(src.slice(this.i)) ?? this.fail('\\u escape');
        this.i += 4;
        let cp = parseInt(m[0], 16);
        const low = /^\\u(d[c-f][0-9a-f]{2})/i.exec(src.slice(this.i));
        if (cp >= 0xd800 && cp <= 0xdbff && low) {
          cp = 0x10000 + ((cp - 0xd800) << 10) + (parseInt(low[1], 16) - 0xdc00);
          this.i += 6;
        }
        return { kind: 'char', cp };
      }
      case 'c': {
        const x = src.charCodeAt(this.i);
        if (Number.isNaN(x)) this.fail('\\c escape');
        this.i++;
        return { kind: 'char', cp: x ^ 64 };
      }
      case 'd':
      case 'D':
      case 'w':
      case 'W':
        // Without UNICODE_CHARACTER_CLASS these are ASCII in Java, as in JS (no `i` flag).
        return { kind: 'native', text: '\\' + c };
      case 's':
        return { kind: 'set', body: JAVA_SPACE_SET, negated: false };
      case 'S':
        return { kind: 'set', body: JAVA_SPACE_SET, negated: true };
      case 'p':
      case 'P':
        return this.property(c === 'P');
      case 'b':
      case 'B':
        if (inClass) this.fail('\\b in class');
        return { kind: 'assert', text: '\\' + c };
      case 'A':
        if (inClass) this.fail('\\A in class');
        return { kind: 'assert', text: '^' };
      case 'z':
        if (inClass) this.fail('\\z in class');
        return { kind: 'assert', text: '$' };
      case 'Z':
        if (inClass) this.fail('\\Z in class');
        return { kind: 'assert', text: `(?=(?:\\r\\n|[${JAVA_LINE_TERMINATORS}])?$)` };
      default:
        if (/[1-9]/.test(c)) {
          if (inClass) this.fail('back reference in class');
          return { kind: 'assert', text: '\\' + c };
        }
        if (/[a-zA-Z0-9]/.test(c)) this.fail(`\\${c}`);
        // Any other escaped character stands for itself.
        const cp = src.codePointAt(this.i - 1)!;
        if (cp > 0xffff) this.i++;
        return { kind: 'char', cp };
    }
  }

  private property(negated: boolean): Atom {
    const src = this.src;
    let name: string;
    if (src[this.i] === '{') {
      const end = src.indexOf('}', this.i);
      if (end < 0) this.fail('unclosed \\p{');
      name = src.slice(this.i + 1, end);
      this.i = end + 1;
    } else {
      name = src[this.i] ?? this.fail('\\p');
      this.i++;
    }
    let cat = name;
    if (cat.startsWith('Is') && GENERAL_CATEGORIES.has(cat.slice(2))) cat = cat.slice(2);
    const eq = /^(?:general_category|gc)=(.+)$/.exec(cat);
    if (eq) cat = eq[1];
    if (GENERAL_CATEGORIES.has(cat)) return { kind: 'native', text: `\\${negated ? 'P' : 'p'}{${cat}}` };
    const posix = POSIX_SETS[name];
    if (posix !== undefined) return { kind: 'set', body: posix, negated };
    return this.fail(`\\p{${name}}`);
  }

  /** Parses `[...]`; `this.i` is at the `[`. */
  private charClass(): string {
    const src = this.src;
    this.i++;
    let negated = false;
    if (src[this.i] === '^') {
      negated = true;
      this.i++;
    }
    const positives: string[] = [];
    const negatedSets: string[] = [];
    let first = true;
    for (;;) {
      const c = src[this.i];
      if (c === undefined) this.fail('unclosed class');
      if (c === ']' && !first) {
        this.i++;
        break;
      }
      first = false;
      if (c === '[') this.fail('nested class');
      if (c === '&' && src[this.i + 1] === '&') this.fail('class intersection');
      const atom = this.classAtom();
      if (atom.kind === 'char' && src[this.i] === '-' && src[this.i + 1] !== ']' && src[this.i + 1] !== undefined) {
        // A range a-b (a `-` before `]` is a literal).
        this.i++;
        const hi = this.classAtom();
        if (hi.kind !== 'char') this.fail('range to a class');
        if (hi.cp < atom.cp) this.fail('reversed range');
        positives.push(`${escapeInClass(atom.cp)}-${escapeInClass(hi.cp)}`);
        continue;
      }
      switch (atom.kind) {
        case 'char':
          positives.push(escapeInClass(atom.cp));
          break;
        case 'native':
          positives.push(atom.text);
          break;
        case 'set':
          if (atom.negated) negatedSets.push(atom.body);
          else positives.push(atom.body);
          break;
        case 'assert':
          this.fail('assertion in class');
      }
    }
    if (negatedSets.length === 0) {
      if (positives.length === 0) this.fail('empty class');
      return `[${negated ? '^' : ''}${positives.join('')}]`;
    }
    // A negated set (Java \S) inside a class: JS `u` mode cannot nest classes, so build the union
    // as an alternation, and a negated class as "any code point that is not in the union".
    const alts = negatedSets.map((body) => `[^${body}]`);
    if (positives.length > 0) alts.unshift(`[${positives.join('')}]`);
    const union = `(?:${alts.join('|')})`;
    return negated ? `(?:(?!${union})[^])` : union;
  }

  private classAtom(): Atom {
    const src = this.src;
    if (src[this.i] === '\\') {
      this.i++;
      return this.escape(true);
    }
    const cp = src.codePointAt(this.i)!;
    this.i += cp > 0xffff ? 2 : 1;
    return { kind: 'char', cp };
  }
}

/**
 * Compiles a model `pattern` (Java regex syntax, as AWS evaluates it) into a JS RegExp that must
 * match the whole value, like Java's `Matcher.matches()`. Differences handled: Java's `\s`/`\S` are
 * ASCII-only, `.` excludes U+0085, `$` may precede a final line terminator, `(?s)` inline flags,
 * POSIX `\p{Alpha}` classes. Throws on constructs it cannot translate faithfully.
 */
export function javaPatternToRegExp(pattern: string): RegExp {
  return new JavaRegexTranslator(pattern).translate();
}

// ---------------------------------------------------------------------------------------------
// Compiled validators
// ---------------------------------------------------------------------------------------------

interface BaseNode {
  shapeName: string;
  /** The shape itself is `sensitive`: nothing inside it may be printed. */
  sensitive: boolean;
  /** Never print this value: sensitive itself, contains a sensitive shape, or binary. */
  hidden: boolean;
}

interface StringNode extends BaseNode {
  kind: 'string';
  min: number;
  max: number;
  regex: PatternTest | undefined;
  enumSet: Set<string> | undefined;
  minText: string;
  maxText: string;
  patternText: string;
  enumText: string;
  /** "[Member must ..., ...]" when this shape is a list element or map key/value. */
  elementText: string;
}

type NumberKind = 'byte' | 'short' | 'integer' | 'long' | 'float' | 'double';

interface NumberNode extends BaseNode {
  kind: 'number';
  numberKind: NumberKind;
  min: number;
  max: number;
  minText: string;
  maxText: string;
  elementText: string;
}

interface BooleanNode extends BaseNode {
  kind: 'boolean';
  elementText: string;
}

interface TimestampNode extends BaseNode {
  kind: 'timestamp';
  elementText: string;
}

interface BlobNode extends BaseNode {
  kind: 'blob';
  min: number;
  max: number;
  minText: string;
  maxText: string;
  elementText: string;
}

interface DocumentNode extends BaseNode {
  kind: 'document';
}

interface MemberNode {
  name: string;
  /** lowerCamelCase path segment. */
  segment: string;
  required: boolean;
  /** The member reference itself is sensitive. */
  sensitiveRef: boolean;
  node: Node;
}

interface StructureNode extends BaseNode {
  kind: 'structure';
  members: MemberNode[];
}

interface ListNode extends BaseNode {
  kind: 'list';
  min: number;
  max: number;
  minText: string;
  maxText: string;
  member: Node;
  memberSensitiveRef: boolean;
}

interface MapNode extends BaseNode {
  kind: 'map';
  min: number;
  max: number;
  minText: string;
  maxText: string;
  key: Node;
  value: Node;
  valueSensitiveRef: boolean;
}

type ScalarNode = StringNode | NumberNode | BooleanNode | TimestampNode | BlobNode;
type Node = ScalarNode | DocumentNode | StructureNode | ListNode | MapNode;

const NUMBER_LIMITS: Record<NumberKind, [number, number]> = {
  byte: [-128, 127],
  short: [-32768, 32767],
  integer: [-2147483648, 2147483647],
  long: [-9223372036854775808, 9223372036854775807],
  float: [-Infinity, Infinity],
  double: [-Infinity, Infinity],
};

const NUMBER_TYPE_NAMES: Record<NumberKind, string> = {
  byte: 'a Byte',
  short: 'a Short',
  integer: 'an Integer',
  long: 'a Long',
  float: 'a Float',
  double: 'a Double',
};

const lengthMinText = (n: number) => `Member must have length greater than or equal to ${n}`;
const lengthMaxText = (n: number) => `Member must have length less than or equal to ${n}`;
const valueMinText = (n: number) => `Member must have value greater than or equal to ${n}`;
const valueMaxText = (n: number) => `Member must have value less than or equal to ${n}`;
const NOT_NULL_TEXT = 'Member must not be null';

/** `UserPoolId` -> `userPoolId`, `SAMLOptions` -> `sAMLOptions` (AWS lowers the first letter only). */
function lowerFirst(name: string): string {
  return name.length === 0 ? name : name[0].toLowerCase() + name.slice(1);
}

function bracket(parts: string[]): string {
  return `[${parts.join(', ')}]`;
}

/** What a shape's pattern is checked with: a RegExp, or a linear equivalent of one. */
interface PatternTest {
  test(value: string): boolean;
}

/** `[C]*` then a literal, then `[C]*` again, optionally a second literal and `[C]*` once more. */
const GUARDED_FORM = /^(\[[^\]]*\]\*)((?:\\[^\w]|[^[\]\\*+?.()|{}^$])+)\1(?:((?:\\[^\w]|[^[\]\\*+?.()|{}^$])+)\1)?$/;

/**
 * The message-template patterns (`C*\{####\}C*`, `C*\{##C*##\}C*` with one class C) backtrack
 * polynomially: EmailVerificationMessageByLinkType took a minute for 20,000 characters of
 * "{####}". When every literal character is itself in C, such a pattern matches exactly the
 * strings made of C's characters that contain the first literal, followed (not overlapping) by
 * the second: two linear scans say the same thing.
 */
function linearEquivalent(pattern: string): PatternTest | undefined {
  const m = GUARDED_FORM.exec(pattern);
  if (!m) return undefined;
  const [, starred, first, second] = m as unknown as [string, string, string, string | undefined];
  const unescape = (literal: string) => literal.replace(/\\(.)/g, '$1');
  const literals = [unescape(first), ...(second === undefined ? [] : [unescape(second)])];
  const all = javaPatternToRegExp(starred);
  if (!literals.every((literal) => all.test(literal))) return undefined;
  const [a, b] = literals as [string, string | undefined];
  return {
    test(value: string): boolean {
      if (!all.test(value)) return false;
      const at = value.indexOf(a);
      if (at < 0) return false;
      return b === undefined || value.lastIndexOf(b) >= at + a.length;
    },
  };
}

/** Compiled model patterns, shared by every shape that uses the same pattern text. */
const patternCache = new Map<string, PatternTest>();
function compiledPattern(pattern: string): PatternTest {
  let re = patternCache.get(pattern);
  if (re === undefined) {
    re = linearEquivalent(pattern) ?? javaPatternToRegExp(pattern);
    patternCache.set(pattern, re);
  }
  return re;
}

const nodes = new Map<string, Node>();
const operationValidators = new Map<string, StructureNode | null>();

function modelShape(name: string): Shape {
  const shape = getShape(name);
  if (!shape) throw new Error(`Service model references missing shape ${name}`);
  return shape;
}

/** Whether any shape reachable from `name` (itself included) is sensitive. */
const containsSensitiveMemo = new Map<string, boolean>();
function containsSensitive(name: string, visiting = new Set<string>()): boolean {
  const memo = containsSensitiveMemo.get(name);
  if (memo !== undefined) return memo;
  if (visiting.has(name)) return false;
  visiting.add(name);
  const shape = modelShape(name);
  let result = shape.sensitive === true || shape.type === 'blob';
  const refs: ShapeRef[] = [];
  if (shape.members) refs.push(...Object.values(shape.members));
  if (shape.member) refs.push(shape.member);
  if (shape.key) refs.push(shape.key);
  if (shape.value) refs.push(shape.value);
  for (const ref of refs) {
    if (result) break;
    if (ref.sensitive || containsSensitive(ref.shape, visiting)) result = true;
  }
  visiting.delete(name);
  // Only memoize results that do not depend on a shape still being visited higher up.
  if (result || visiting.size === 0) containsSensitiveMemo.set(name, result);
  return result;
}

function nodeFor(name: string): Node {
  const existing = nodes.get(name);
  if (existing) return existing;
  const shape = modelShape(name);
  const hidden = containsSensitive(name);
  const base = { shapeName: name, sensitive: shape.sensitive === true, hidden };
  switch (shape.type) {
    case 'structure': {
      if (shape.document) {
        const node: DocumentNode = { ...base, kind: 'document' };
        nodes.set(name, node);
        return node;
      }
      const node: StructureNode = { ...base, kind: 'structure', members: [] };
      nodes.set(name, node); // before the members: shapes may be recursive
      const required = new Set(shape.required ?? []);
      for (const [memberName, ref] of Object.entries(shape.members ?? {})) {
        node.members.push({
          name: memberName,
          segment: lowerFirst(memberName),
          required: required.has(memberName),
          sensitiveRef: ref.sensitive === true,
          node: nodeFor(ref.shape),
        });
      }
      return node;
    }
    case 'list': {
      if (!shape.member) throw new Error(`List shape ${name} has no member`);
      const node: ListNode = {
        ...base,
        kind: 'list',
        min: shape.min ?? 0,
        max: shape.max ?? Infinity,
        minText: lengthMinText(shape.min ?? 0),
        maxText: lengthMaxText(shape.max ?? 0),
        member: undefined as unknown as Node,
        memberSensitiveRef: shape.member.sensitive === true,
      };
      nodes.set(name, node);
      node.member = nodeFor(shape.member.shape);
      return node;
    }
    case 'map': {
      if (!shape.key || !shape.value) throw new Error(`Map shape ${name} has no key or value`);
      const node: MapNode = {
        ...base,
        kind: 'map',
        min: shape.min ?? 0,
        max: shape.max ?? Infinity,
        minText: lengthMinText(shape.min ?? 0),
        maxText: lengthMaxText(shape.max ?? 0),
        key: undefined as unknown as Node,
        value: undefined as unknown as Node,
        valueSensitiveRef: shape.value.sensitive === true,
      };
      nodes.set(name, node);
      node.key = nodeFor(shape.key.shape);
      node.value = nodeFor(shape.value.shape);
      return node;
    }
    case 'string': {
      const texts: string[] = [];
      if (shape.max !== undefined) texts.push(lengthMaxText(shape.max));
      if (shape.min !== undefined) texts.push(lengthMinText(shape.min));
      const patternText =
        shape.pattern !== undefined ? `Member must satisfy regular expression pattern: ${shape.pattern}` : '';
      if (patternText) texts.push(patternText);
      const enumText = shape.enum ? `Member must satisfy enum value set: ${bracket(shape.enum)}` : '';
      if (enumText) texts.push(enumText);
      const node: StringNode = {
        ...base,
        kind: 'string',
        min: shape.min ?? 0,
        max: shape.max ?? Infinity,
        regex: shape.pattern !== undefined ? compiledPattern(shape.pattern) : undefined,
        enumSet: shape.enum ? new Set(shape.enum) : undefined,
        minText: lengthMinText(shape.min ?? 0),
        maxText: lengthMaxText(shape.max ?? 0),
        patternText,
        enumText,
        elementText: '',
      };
      node.elementText = bracket(texts);
      nodes.set(name, node);
      return node;
    }
    case 'byte':
    case 'short':
    case 'integer':
    case 'long':
    case 'float':
    case 'double': {
      const texts: string[] = [];
      if (shape.max !== undefined) texts.push(valueMaxText(shape.max));
      if (shape.min !== undefined) texts.push(valueMinText(shape.min));
      const node: NumberNode = {
        ...base,
        kind: 'number',
        numberKind: shape.type,
        min: shape.min ?? -Infinity,
        max: shape.max ?? Infinity,
        minText: valueMinText(shape.min ?? 0),
        maxText: valueMaxText(shape.max ?? 0),
        elementText: bracket(texts),
      };
      nodes.set(name, node);
      return node;
    }
    case 'boolean': {
      const node: BooleanNode = { ...base, kind: 'boolean', elementText: '[]' };
      nodes.set(name, node);
      return node;
    }
    case 'timestamp': {
      const node: TimestampNode = { ...base, kind: 'timestamp', elementText: '[]' };
      nodes.set(name, node);
      return node;
    }
    case 'blob': {
      const texts: string[] = [];
      if (shape.max !== undefined) texts.push(lengthMaxText(shape.max));
      if (shape.min !== undefined) texts.push(lengthMinText(shape.min));
      const node: BlobNode = {
        ...base,
        kind: 'blob',
        min: shape.min ?? 0,
        max: shape.max ?? Infinity,
        minText: lengthMinText(shape.min ?? 0),
        maxText: lengthMaxText(shape.max ?? 0),
        elementText: bracket(texts),
      };
      nodes.set(name, node);
      return node;
    }
    default:
      throw new Error(`Unsupported shape type ${shape.type} for ${name}`);
  }
}

function validatorFor(operationName: string): StructureNode | null {
  const cached = operationValidators.get(operationName);
  if (cached !== undefined) return cached;
  const op = getOperation(operationName);
  if (!op) throw UnknownOperationException(`Unknown operation ${operationName}`);
  let validator: StructureNode | null = null;
  if (op.input) {
    const node = nodeFor(op.input.shape);
    if (node.kind !== 'structure') throw new Error(`Input of ${operationName} is not a structure`);
    validator = node;
  }
  operationValidators.set(operationName, validator);
  return validator;
}

// ---------------------------------------------------------------------------------------------
// Walking the input
// ---------------------------------------------------------------------------------------------

const hasOwn = Object.prototype.hasOwnProperty;

function join(path: string, segment: string): string {
  return path === '' ? segment : `${path}.${segment}`;
}

/** Coral's names for JSON tokens, used in SerializationException messages. */
function tokenName(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return 'STRING_VALUE';
    case 'number':
      return 'NUMBER_VALUE';
    case 'boolean':
      return 'BOOLEAN_VALUE';
    default:
      return 'VALUE';
  }
}

function serializationError(reason: string, path: string): never {
  throw SerializationException(path === '' ? reason : `${reason} at '${path}'`);
}

/** A JSON value of the wrong kind for `expected` (e.g. 'a String', 'a Structure'). */
function wrongType(v: unknown, expected: string, path: string): never {
  if (Array.isArray(v)) serializationError('Start of list found where not expected', path);
  if (typeof v === 'object' && v !== null) serializationError('Start of structure or map found where not expected', path);
  serializationError(`${tokenName(v)} can not be converted to ${expected}`, path);
}

/** Length in Unicode code points (a surrogate pair counts once), as Smithy defines string length. */
function codePointLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decoded byte length of a base64 string, or -1 when it is not base64. */
function base64ByteLength(s: string): number {
  if (!BASE64.test(s) || s.length % 4 === 1) return -1;
  let pad = 0;
  if (s.endsWith('==')) pad = 2;
  else if (s.endsWith('=')) pad = 1;
  if (pad > 0 && s.length % 4 !== 0) return -1;
  const body = s.length - pad;
  return Math.floor((body * 3) / 4);
}

/** Java-style rendering: strings bare, lists `[a, b]`, maps and structures `{k=v}`. */
function render(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return `[${v.map(render).join(', ')}]`;
  if (typeof v === 'object') {
    return `{${Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${k}=${render(x)}`)
      .join(', ')}}`;
  }
  return String(v);
}

/** The longest string a pattern is run on when its shape has no maximum length (RFC 5321's limits are far below). */
const UNBOUNDED_PATTERN_INPUT = 4096;
const NUL_TEXT = 'Member must not contain the character U+0000';

/** Collected constraint violations of one request. */
class Violations {
  readonly list: string[] = [];

  add(v: unknown, hidden: boolean, path: string, constraint: string): void {
    const value = hidden ? 'Value' : `Value '${render(v)}'`;
    this.list.push(`${value} at '${path}' failed to satisfy constraint: ${constraint}`);
  }

  addNull(path: string): void {
    this.list.push(`Value null at '${path}' failed to satisfy constraint: ${NOT_NULL_TEXT}`);
  }
}

/**
 * Type-checks a scalar and tests its constraints. With `out`, reports each failed constraint at
 * `path`; without, only answers whether any failed (for list elements and map entries).
 */
function checkScalar(
  node: ScalarNode,
  v: unknown,
  path: string,
  hidden: boolean,
  out: Violations | null,
): boolean {
  let ok = true;
  switch (node.kind) {
    case 'string': {
      if (typeof v !== 'string') wrongType(v, 'a String', path);
      const nul = v.indexOf('\u0000') >= 0;
      if (nul) hidden = true; // not echoed back: a NUL in the message would be the next problem
      const units = v.length;
      let tooLong = false;
      // A string has between ceil(units/2) and `units` code points: count only when that matters.
      if (units > node.max || (units + 1) >> 1 < node.min) {
        const len = codePointLength(v);
        if (len < node.min) {
          ok = false;
          out?.add(v, hidden, path, node.minText);
        } else if (len > node.max) {
          ok = false;
          tooLong = true;
          out?.add(v, hidden, path, node.maxText);
        }
      }
      if (node.regex !== undefined) {
        // Some model patterns backtrack quadratically (EmailMfaMessageType on "{####}" repeated,
        // EmailAddressType on "a@" repeated: seconds of event loop for 60 kB). A too-long string is
        // not matched (a too-short one is: AWS reports both, see above); under a shape with no
        // maximum, a string longer than UNBOUNDED_PATTERN_INPUT is reported as not matching
        // without running the pattern (docs/security.md).
        if (tooLong) {
          // The length violation is enough; the pattern would only add cost.
        } else if (node.max === Infinity && units > UNBOUNDED_PATTERN_INPUT) {
          ok = false;
          out?.add(v, hidden, path, node.patternText);
        } else if (!node.regex.test(v)) {
          ok = false;
          out?.add(v, hidden, path, node.patternText);
        }
      }
      // PostgreSQL text cannot hold U+0000 (SQLite can): refused on every engine alike, so data
      // moves between engines and a NUL never reaches the database as a 500.
      if (nul) {
        ok = false;
        out?.add(v, hidden, path, NUL_TEXT);
      }
      if (node.enumSet !== undefined && !node.enumSet.has(v)) {
        ok = false;
        out?.add(v, hidden, path, node.enumText);
      }
      return ok;
    }
    case 'number': {
      if (typeof v !== 'number') wrongType(v, NUMBER_TYPE_NAMES[node.numberKind], path);
      const [lo, hi] = NUMBER_LIMITS[node.numberKind];
      if (node.numberKind !== 'float' && node.numberKind !== 'double') {
        if (!Number.isInteger(v)) {
          serializationError(`NUMBER_VALUE with a fraction can not be converted to ${NUMBER_TYPE_NAMES[node.numberKind]}`, path);
        }
        if (v < lo || v > hi) serializationError(`NUMBER_VALUE out of range for ${NUMBER_TYPE_NAMES[node.numberKind]}`, path);
      }
      if (v < node.min) {
        ok = false;
        out?.add(v, hidden, path, node.minText);
      } else if (v > node.max) {
        ok = false;
        out?.add(v, hidden, path, node.maxText);
      }
      return ok;
    }
    case 'boolean':
      if (typeof v !== 'boolean') wrongType(v, 'a Boolean', path);
      return true;
    case 'timestamp':
      // AWS JSON timestamps are epoch seconds (fractions allowed).
      if (typeof v !== 'number' || !Number.isFinite(v)) wrongType(v, 'a Timestamp', path);
      return true;
    case 'blob': {
      if (typeof v !== 'string') wrongType(v, 'a Blob', path);
      const bytes = base64ByteLength(v);
      if (bytes < 0) serializationError('STRING_VALUE is not valid base64 for a Blob', path);
      if (bytes < node.min) {
        ok = false;
        out?.add(v, true, path, node.minText);
      } else if (bytes > node.max) {
        ok = false;
        out?.add(v, true, path, node.maxText);
      }
      return ok;
    }
  }
}

function isScalar(node: Node): node is ScalarNode {
  return node.kind !== 'structure' && node.kind !== 'list' && node.kind !== 'map' && node.kind !== 'document';
}

/**
 * Checks `v` against `node`. `inherited` is true inside a sensitive shape or member (nothing there
 * may be printed); it already includes `node`'s own sensitivity.
 */
function check(node: Node, v: unknown, path: string, inherited: boolean, out: Violations): unknown {
  switch (node.kind) {
    case 'structure': {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) wrongType(v, 'a Structure', path);
      const o = v as Record<string, unknown>;
      const members = node.members;
      // Only the model's members, and none that is null: what the handler receives.
      const clean: Record<string, unknown> = {};
      for (let i = 0; i < members.length; i++) {
        const m = members[i];
        const mv = hasOwn.call(o, m.name) ? o[m.name] : undefined;
        if (mv === undefined || mv === null) {
          if (m.required) out.addNull(join(path, m.segment));
          continue;
        }
        clean[m.name] = check(m.node, mv, join(path, m.segment), inherited || m.sensitiveRef || m.node.sensitive, out);
      }
      return clean;
    }
    case 'list': {
      if (!Array.isArray(v)) wrongType(v, 'a List', path);
      const hideList = inherited || node.hidden;
      if (v.length < node.min) out.add(v, hideList, path, node.minText);
      else if (v.length > node.max) out.add(v, hideList, path, node.maxText);
      const member = node.member;
      if (isScalar(member)) {
        // Simple elements: one violation for the whole list, naming the element's constraints.
        let failed = false;
        let sawNull = false;
        for (let i = 0; i < v.length; i++) {
          const e: unknown = v[i];
          if (e === null || e === undefined) sawNull = true;
          else if (!checkScalar(member, e, `${path}.${i + 1}.member`, true, null)) failed = true;
        }
        if (failed || sawNull) {
          const text = sawNull ? addNotNull(member.elementText) : member.elementText;
          out.add(v, hideList, path, `Member must satisfy constraint: ${text}`);
        }
        return v;
      }
      const elementInherited = inherited || node.memberSensitiveRef || member.sensitive;
      const clean: unknown[] = new Array(v.length);
      for (let i = 0; i < v.length; i++) {
        const elementPath = `${path}.${i + 1}.member`;
        const e: unknown = v[i];
        // A null element stays a validation error, as on AWS: it is not an absent member.
        if (e === null || e === undefined) out.addNull(elementPath);
        else clean[i] = check(member, e, elementPath, elementInherited, out);
      }
      return clean;
    }
    case 'map': {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) wrongType(v, 'a Map', path);
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o);
      const hideMap = inherited || node.hidden;
      if (keys.length < node.min) out.add(o, hideMap, path, node.minText);
      else if (keys.length > node.max) out.add(o, hideMap, path, node.maxText);
      const keyNode = node.key;
      const valueNode = node.value;
      const valueInherited = inherited || node.valueSensitiveRef || valueNode.sensitive;
      let keyFailed = false;
      let valueFailed = false;
      // A null value is an absent entry (AWS JSON 1.1): amazon-cognito-identity-js sends
      // `DEVICE_KEY: null` on refresh, and Cognito accepts it. Null entries never reach a handler.
      const clean: Record<string, unknown> = {};
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i];
        const e = o[k];
        if (e === null || e === undefined) continue;
        if (isScalar(keyNode) && !checkScalar(keyNode, k, path, true, null)) keyFailed = true;
        // Keys of a sensitive map are data too: they stay out of paths.
        const entryPath = hideMap ? path : `${path}.${k}`;
        let value: unknown = e;
        if (isScalar(valueNode)) {
          if (!checkScalar(valueNode, e, entryPath, true, null)) valueFailed = true;
        } else value = check(valueNode, e, entryPath, valueInherited, out);
        setOwn(clean, k, value);
      }
      if (keyFailed && isScalar(keyNode)) {
        out.add(o, hideMap, path, `Map keys must satisfy constraint: ${keyNode.elementText}`);
      }
      if (valueFailed) {
        const text = isScalar(valueNode) ? valueNode.elementText : '[]';
        out.add(o, hideMap, path, `Map value must satisfy constraint: ${text}`);
      }
      return clean;
    }
    case 'document':
      return v;
    default:
      checkScalar(node, v, path, inherited || node.hidden, out);
      return v;
  }
}

/** A map key is data: `__proto__` must become an own entry, not the object's prototype. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

function addNotNull(bracketed: string): string {
  return bracketed === '[]' ? `[${NOT_NULL_TEXT}]` : `${bracketed.slice(0, -1)}, ${NOT_NULL_TEXT}]`;
}

/**
 * Validates a parsed JSON request body against the input shape of `operationName`.
 *
 * `undefined` (no body) is validated as `{}`. Returns the cleaned input (see the top of this file).
 * Throws `SerializationException` when a value has the wrong JSON type, `InvalidParameterException`
 * listing every constraint violation, and `UnknownOperationException` for an operation the model
 * does not have.
 */
export function validateInput(operationName: string, input: unknown): Record<string, unknown> {
  const validator = validatorFor(operationName);
  const body = input === undefined ? {} : input;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    if (Array.isArray(body)) serializationError('Start of list found where not expected', '');
    serializationError('Request body must be a JSON object', '');
  }
  if (validator === null) return {};
  const out = new Violations();
  const clean = check(validator, body, '', validator.sensitive, out) as Record<string, unknown>;
  const n = out.list.length;
  if (n > 0) {
    throw InvalidParameterException(
      `${n} validation error${n === 1 ? '' : 's'} detected: ${out.list.join('; ')}`,
    );
  }
  return clean;
}
