// Option schemas shared by several declarations. Each error message says what
// is allowed, because it is shown to the operator as is: a fixed rule is
// registered with its translations (explain.ts), a message built from the
// input carries its own in the issue's params.
import { z } from 'zod';
import { decimalPlaces, normaliseDecimal } from '../decimal.ts';
import { inEnglish, type Said } from '../i18n/index.ts';
import { rule } from './explain.ts';

const ASSET = /^[A-Z0-9]{2,20}$/;
const ASSET_RULE = rule((t) => t.validation.asset);

/** A custom issue: its English message for zod, and how it is said in the reader's language. */
function issue(said: Said): { code: 'custom'; message: string; params: { said: Said } } {
  return { code: 'custom', message: inEnglish(said), params: { said } };
}

/** An option's description, and its choices' labels, in every language: the `.meta()` slash-options.ts reads. */
export function described(said: Said, choices?: Readonly<Record<string, Said>>): { description: string; said: Said; choices?: Readonly<Record<string, Said>> } {
  return { description: inEnglish(said), said, ...(choices === undefined ? {} : { choices }) };
}

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
  const text = rule((t) => t.validation.symbol);
  return z.string().trim().toUpperCase().min(5, { error: text }).max(30, { error: text }).regex(/^[A-Z0-9]{5,30}$/, { error: text });
};

/**
 * A positive decimal amount as normalised text (`0.50` → `0.5`). It is never
 * turned into a number: what the operator typed is what Binance receives.
 */
export const decimalAmount = (maxDecimals = 8) =>
  z
    .string()
    .trim()
    .max(40, { error: rule((t) => t.validation.atMost({ max: 40 })) })
    .transform((text, context) => {
      const normalised = normaliseDecimal(text);
      if (normalised === undefined) {
        context.addIssue(issue((t) => t.validation.decimal));
        return z.NEVER;
      }
      if (/^0(\.0*)?$/.test(normalised)) {
        context.addIssue(issue((t) => t.validation.positive));
        return z.NEVER;
      }
      const places = decimalPlaces(normalised);
      if (places > maxDecimals) {
        context.addIssue(issue((t) => t.validation.decimals({ places, max: maxDecimals })));
        return z.NEVER;
      }
      return normalised;
    });

/** A comma list of assets, upper-cased and de-duplicated, in the order given. */
export const assetList = () =>
  z
    .string()
    .max(200, { error: rule((t) => t.validation.atMost({ max: 200 })) })
    .transform((text, context) => {
      const items = text
        .split(',')
        .map((item) => item.trim().toUpperCase())
        .filter((item) => item !== '');
      if (items.length === 0) {
        context.addIssue(issue((t) => t.validation.assetListEmpty));
        return z.NEVER;
      }
      const bad = items.find((item) => !ASSET.test(item));
      if (bad !== undefined) {
        const shown = bad.slice(0, 30);
        context.addIssue(issue((t) => t.validation.notAnAsset({ bad: shown, rule: t.validation.asset })));
        return z.NEVER;
      }
      return [...new Set(items)];
    });
