// Signed decimal text for the local Binance's balances. The bot's own
// src/decimal.ts only knows non-negative amounts; balances here go negative
// (a negative futures wallet), so the emulator keeps its own small arithmetic,
// still on BigInt and never through a float.
const SIGNED_DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

interface Scaled {
  readonly units: bigint;
  readonly scale: number;
}

function parse(text: string): Scaled {
  const match = SIGNED_DECIMAL.exec(text.trim());
  if (match === null) throw new RangeError(`not a decimal: ${JSON.stringify(text.slice(0, 40))}`);
  const fraction = match[3] ?? '';
  const units = BigInt(`${match[2] ?? '0'}${fraction}`);
  return { units: match[1] === '-' ? -units : units, scale: fraction.length };
}

function format({ units, scale }: Scaled): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const whole = scale === 0 ? digits : digits.slice(0, -scale);
  const fraction = scale === 0 ? '' : digits.slice(-scale).replace(/0+$/, '');
  const text = fraction === '' ? whole : `${whole}.${fraction}`;
  return negative && text !== '0' ? `-${text}` : text;
}

function aligned(a: string, b: string): [bigint, bigint, number] {
  const [x, y] = [parse(a), parse(b)];
  const scale = Math.max(x.scale, y.scale);
  return [x.units * 10n ** BigInt(scale - x.scale), y.units * 10n ** BigInt(scale - y.scale), scale];
}

export function isDecimal(text: string): boolean {
  return SIGNED_DECIMAL.test(text.trim());
}

export function add(a: string, b: string): string {
  const [x, y, scale] = aligned(a, b);
  return format({ units: x + y, scale });
}

export function subtract(a: string, b: string): string {
  const [x, y, scale] = aligned(a, b);
  return format({ units: x - y, scale });
}

export function compare(a: string, b: string): -1 | 0 | 1 {
  const [x, y] = aligned(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function minimum(a: string, b: string): string {
  return compare(a, b) <= 0 ? normalise(a) : normalise(b);
}

export function negate(a: string): string {
  const value = parse(a);
  return format({ units: -value.units, scale: value.scale });
}

export function normalise(a: string): string {
  return format(parse(a));
}

export function isZero(a: string): boolean {
  return parse(a).units === 0n;
}

export function multiply(a: string, b: string): string {
  const [x, y] = [parse(a), parse(b)];
  return format({ units: x.units * y.units, scale: x.scale + y.scale });
}
