// Values that carry Said texts (a preview, a read-back, a decision), put into
// one language so a test can compare them as text: every function in `value`
// is called with the catalog, deeply; everything else is kept as it is.
import { english, type Messages } from '../../src/i18n/index.ts';

export function spoken(value: unknown, t: Messages = english): unknown {
  if (typeof value === 'function') return (value as (t: Messages) => unknown)(t);
  if (Array.isArray(value)) return value.map((item: unknown) => spoken(item, t));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, spoken(item, t)]));
  return value;
}
