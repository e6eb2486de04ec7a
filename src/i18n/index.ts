// The bot's languages. Every text a person reads comes from one catalog per
// language: en/ is the source, zh-CN/ its translation, checked against it by
// the compiler (catalog.ts). Code that speaks to someone does not pick words:
// it says which message, as a `Said` — a function from the reader's catalog
// to the text — and whoever knows the reader renders it. An ephemeral answer
// follows the reader's Discord locale (zh-CN gets Chinese, any other English);
// what many people see follows BOT_LOCALE. What the bot stores (log rows,
// closed reasons) is always the English text, so nothing stored or hashed
// depends on who read it.
import { bind, fill, templateAt, unfill, type Bound, type Paths } from './catalog.ts';
import { en } from './en/index.ts';
import { zhCN } from './zh-CN/index.ts';

/** The languages the bot speaks, as Discord names them. */
export const LOCALES = ['en-US', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];

/** One language's catalog, as the code calls it, and which language it is. */
export type Messages = Bound<typeof en> & { readonly locale: Locale };

/** A message not yet put into words: the reader's catalog makes it text. */
export type Said = (t: Messages) => string;

/** One text in every language, as Discord's `*_localizations` want it (en-US included, see slash-options.ts). */
export type Localized = Readonly<Record<Locale, string>>;

const CATALOGS: Readonly<Record<Locale, Messages>> = {
  'en-US': { ...bind(en), locale: 'en-US' },
  'zh-CN': { ...bind(zhCN), locale: 'zh-CN' },
};

export function messages(locale: Locale): Messages {
  return CATALOGS[locale];
}

/** The English catalog: the words of the log, the errors thrown and whatever has no reader yet. */
export const english: Messages = CATALOGS['en-US'];

/** `said` in English: what the log and an Error's message keep. */
export function inEnglish(said: Said): string {
  return said(english);
}

/** A Discord locale ('zh-CN', 'en-GB', 'de', …) as one the bot speaks: zh-CN is Chinese, everything else English. */
export function localeOf(discordLocale: string | null | undefined): Locale {
  return discordLocale === 'zh-CN' ? 'zh-CN' : 'en-US';
}

/** `said` in every language. */
export function localized(said: Said): Localized {
  return { 'en-US': said(CATALOGS['en-US']), 'zh-CN': said(CATALOGS['zh-CN']) };
}

/** A message's dotted key in the catalog, e.g. 'freeze.frozenBy'. */
export type MessageKey = Paths<typeof en>;

const SOURCES = { 'en-US': en, 'zh-CN': zhCN } as const;

/**
 * Stored English text that one of `keys` produced, said again in the reader's
 * language (its placeholder values as stored); undefined when it is none of them.
 */
export function reread(text: string, keys: readonly MessageKey[]): Said | undefined {
  for (const key of keys) {
    const params = unfill(templateAt(en, key), text);
    if (params !== undefined) return (t) => fill(templateAt(SOURCES[t.locale], key), params);
  }
  return undefined;
}
