// Money is text. Amounts travel from the Discord option to Binance as decimal
// strings and are compared here with integers, never through a float.
const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/** `0012.50` -> `12.5`, `1.000` -> `1`; undefined when it is not a plain non-negative decimal. */
export function normaliseDecimal(text: string): string | undefined {
  const match = DECIMAL.exec(text.trim());
  if (match === null) return undefined;
  const whole = (match[1] ?? '0').replace(/^0+(?=\d)/, '');
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  return fraction === '' ? whole : `${whole}.${fraction}`;
}

/** Number of digits after the decimal point of a normalised decimal. */
export function decimalPlaces(normalised: string): number {
  const point = normalised.indexOf('.');
  return point === -1 ? 0 : normalised.length - point - 1;
}

/** -1, 0 or 1 as a < b, a = b, a > b, for two non-negative decimal strings. */
export function compareDecimals(a: string, b: string): -1 | 0 | 1 {
  const [x, y] = aligned(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** a + b, for two non-negative decimal strings; the result is normalised. */
export function addDecimals(a: string, b: string): string {
  const [x, y, scale] = aligned(a, b);
  return fromScaled(x + y, scale);
}

/** a - b, or '0' when b is larger (what is left of a cap never goes below nothing). */
export function subtractDecimalsFloor(a: string, b: string): string {
  const [x, y, scale] = aligned(a, b);
  return x > y ? fromScaled(x - y, scale) : '0';
}

export function isZeroDecimal(text: string): boolean {
  return normaliseDecimal(text) === '0';
}

/** Both values as integers of the same scale (digits after the point). */
function aligned(a: string, b: string): [bigint, bigint, number] {
  const [left, right] = [toScaled(a), toScaled(b)];
  const scale = Math.max(left.scale, right.scale);
  return [left.units * 10n ** BigInt(scale - left.scale), right.units * 10n ** BigInt(scale - right.scale), scale];
}

function fromScaled(units: bigint, scale: number): string {
  const digits = units.toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return normaliseDecimal(text) ?? text;
}

function toScaled(text: string): { units: bigint; scale: number } {
  const normalised = normaliseDecimal(text);
  if (normalised === undefined) throw new RangeError(`not a decimal: ${JSON.stringify(text.slice(0, 40))}`);
  const [whole = '0', fraction = ''] = normalised.split('.');
  return { units: BigInt(whole + fraction), scale: fraction.length };
}

/** `1234567.5` -> `1,234,567.5`, for reading only (never for sending); a sign is kept, anything else returned as is. */
export function groupDigits(text: string): string {
  const match = /^(-?)(\d+)(\.\d+)?$/.exec(text.trim());
  if (match === null) return text;
  return `${match[1] ?? ''}${(match[2] ?? '').replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${match[3] ?? ''}`;
}

/** The size of a decimal that may carry a sign (`-123.45` -> `123.45`), normalised; undefined when it is not a decimal. */
export function magnitude(text: string): string | undefined {
  return normaliseDecimal(text.trim().replace(/^-/, ''));
}
