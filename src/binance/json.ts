// JSON parsing that never loses digits. Binance sends ids such as a bankruptcy
// repay's tranId (58203331886213504) as bare numbers above 2^53, which
// JSON.parse silently rounds; an operator reconciling with Binance would then
// look for the wrong transaction. Here any number that a JS number cannot hold
// exactly stays the text Binance sent.
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
    options?: ErrorOptions,
  ) {
    super(`${message} at position ${position}`, options);
    this.name = 'JsonSyntaxError';
  }
}

// A body in which no number could lose anything: no run of 16 digits or dots (a
// long integer or a long decimal), no exponent, no decimal small enough to print
// as one (0.0000001). Such a body parses the same with JSON.parse, much faster.
const NOTHING_TO_LOSE = /[0-9.]{16}|\d[eE]|\.0{6}/;

export function parseJsonLossless(text: string): JsonValue {
  if (!NOTHING_TO_LOSE.test(text)) {
    try {
      return JSON.parse(text) as JsonValue;
    } catch {
      // Fall through: the parser below says where the text is wrong.
    }
  }
  const parser = new Parser(text);
  const value = parser.value();
  parser.end();
  return value;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WHITESPACE = /[ \t\n\r]*/y;

class Parser {
  private position = 0;

  constructor(private readonly text: string) {}

  value(): JsonValue {
    this.skipWhitespace();
    const char = this.text[this.position];
    switch (char) {
      case '{':
        return this.object();
      case '[':
        return this.array();
      case '"':
        return this.string();
      case 't':
        return this.literal('true', true);
      case 'f':
        return this.literal('false', false);
      case 'n':
        return this.literal('null', null);
      default:
        return this.number();
    }
  }

  end(): void {
    this.skipWhitespace();
    if (this.position !== this.text.length) throw new JsonSyntaxError('unexpected text after the value', this.position);
  }

  private object(): { [key: string]: JsonValue } {
    const result: { [key: string]: JsonValue } = {};
    this.position++;
    this.skipWhitespace();
    if (this.text[this.position] === '}') {
      this.position++;
      return result;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.position] !== '"') throw new JsonSyntaxError('expected a property name', this.position);
      const key = this.string();
      this.expect(':');
      result[key] = this.value();
      this.skipWhitespace();
      if (this.text[this.position] === ',') {
        this.position++;
        continue;
      }
      this.expect('}');
      return result;
    }
  }

  private array(): JsonValue[] {
    const result: JsonValue[] = [];
    this.position++;
    this.skipWhitespace();
    if (this.text[this.position] === ']') {
      this.position++;
      return result;
    }
    for (;;) {
      result.push(this.value());
      this.skipWhitespace();
      if (this.text[this.position] === ',') {
        this.position++;
        continue;
      }
      this.expect(']');
      return result;
    }
  }

  private string(): string {
    // Find the closing quote, skipping escaped characters, and let JSON.parse
    // decode the escapes of that one string literal.
    const start = this.position;
    let index = start + 1;
    while (index < this.text.length) {
      const char = this.text[index];
      if (char === '\\') index += 2;
      else if (char === '"') break;
      else index++;
    }
    if (index >= this.text.length) throw new JsonSyntaxError('unterminated string', start);
    this.position = index + 1;
    try {
      return JSON.parse(this.text.slice(start, index + 1)) as string;
    } catch (cause) {
      throw new JsonSyntaxError('invalid string', start, { cause });
    }
  }

  private number(): number | string {
    NUMBER.lastIndex = this.position;
    const match = NUMBER.exec(this.text);
    if (match === null) throw new JsonSyntaxError('unexpected character', this.position);
    const literal = match[0];
    this.position += literal.length;
    const number = Number(literal);
    return isExact(literal, number) ? number : literal;
  }

  private literal<T extends JsonValue>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.position)) throw new JsonSyntaxError('unexpected character', this.position);
    this.position += word.length;
    return value;
  }

  private expect(char: string): void {
    this.skipWhitespace();
    if (this.text[this.position] !== char) throw new JsonSyntaxError(`expected '${char}'`, this.position);
    this.position++;
  }

  private skipWhitespace(): void {
    WHITESPACE.lastIndex = this.position;
    WHITESPACE.exec(this.text);
    this.position = WHITESPACE.lastIndex;
  }
}

/** Whether a JS number stands for exactly the literal (so nothing was rounded). */
function isExact(literal: string, number: number): boolean {
  if (!Number.isFinite(number)) return false;
  if (/^-?\d+$/.test(literal)) return Number.isSafeInteger(number);
  // A decimal is exact enough when printing the number gives back the same
  // digits, e.g. 0.1 -> "0.1"; 0.1000000000000000055511151231257827 stays text.
  return String(number) === normaliseDecimal(literal);
}

function normaliseDecimal(literal: string): string {
  if (/[eE]/.test(literal)) return String(Number(literal));
  const trimmed = literal.includes('.') ? literal.replace(/0+$/, '').replace(/\.$/, '') : literal;
  return trimmed === '-0' ? '0' : trimmed;
}
