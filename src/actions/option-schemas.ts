// Option schemas shared by several declarations. Each error message says what
// is allowed, because it is shown to the operator as is.
import { z } from 'zod';
import { decimalPlaces, normaliseDecimal } from '../decimal.ts';

const ASSET = /^[A-Z0-9]{2,20}$/;
const ASSET_RULE = 'must be 2 to 20 letters or digits, such as BTC or USDT';

/** An asset code, trimmed and upper-cased. */
export const asset = () =>
  z
    .string()
    .trim()
    .toUpperCase()
    .min(2, { error: ASSET_RULE })
    .max(20, { error: ASSET_RULE })
    .regex(ASSET, { error: ASSET_RULE });

/** A futures symbol such as BTCUSDT, trimmed and upper-cased. */
export const symbol = () => {
  const rule = 'must be 5 to 30 letters or digits, such as BTCUSDT';
  return z.string().trim().toUpperCase().min(5, { error: rule }).max(30, { error: rule }).regex(/^[A-Z0-9]{5,30}$/, { error: rule });
};

/**
 * A positive decimal amount as normalised text (`0.50` → `0.5`). It is never
 * turned into a number: what the operator typed is what Binance receives.
 */
export const decimalAmount = (maxDecimals = 8) =>
  z
    .string()
    .trim()
    .max(40, { error: 'must be at most 40 characters' })
    .transform((text, context) => {
      const normalised = normaliseDecimal(text);
      if (normalised === undefined) {
        context.addIssue({
          code: 'custom',
          message: "must be a positive decimal number such as 0.5 or 1200: digits and at most one '.', no sign, comma, spaces or exponent",
        });
        return z.NEVER;
      }
      if (/^0(\.0*)?$/.test(normalised)) {
        context.addIssue({ code: 'custom', message: 'must be greater than 0' });
        return z.NEVER;
      }
      if (decimalPlaces(normalised) > maxDecimals) {
        context.addIssue({ code: 'custom', message: `has ${decimalPlaces(normalised)} decimal places; at most ${maxDecimals} are allowed` });
        return z.NEVER;
      }
      return normalised;
    });

/** A comma list of assets, upper-cased and de-duplicated, in the order given. */
export const assetList = () =>
  z
    .string()
    .max(200, { error: 'must be at most 200 characters' })
    .transform((text, context) => {
      const items = text
        .split(',')
        .map((item) => item.trim().toUpperCase())
        .filter((item) => item !== '');
      if (items.length === 0) {
        context.addIssue({ code: 'custom', message: 'must list at least one asset, comma-separated, such as USDT,BTC' });
        return z.NEVER;
      }
      const bad = items.find((item) => !ASSET.test(item));
      if (bad !== undefined) {
        context.addIssue({ code: 'custom', message: `has "${bad.slice(0, 30)}", which is not an asset: each entry ${ASSET_RULE}` });
        return z.NEVER;
      }
      return [...new Set(items)];
    });
