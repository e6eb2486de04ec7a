// Pagination for long lists (/audit recent, /access list): a message shows one
// page and three buttons, ‹ Newer · Page i/n · Older ›. Everything needed to
// draw another page travels in the buttons' custom_ids (at most 100 chars), so
// a page click works after a restart like any other click.
import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent } from 'discord.js';
import { english, type Messages } from '../i18n/index.ts';

export type PageKind = 'audit' | 'grants';

export interface PageState {
  readonly kind: PageKind;
  /** 0-based. */
  readonly page: number;
  /** The list's query: plain tokens without ':' (ids, action keys, numbers; '-' for none). */
  readonly args: readonly string[];
}

const PREFIX = 'pmpage';
const TOKEN = /^[A-Za-z0-9._-]{1,32}$/;
const MAX_CUSTOM_ID = 100;

export function pageId(state: PageState): string {
  for (const arg of state.args) {
    if (!TOKEN.test(arg)) throw new Error(`page argument ${JSON.stringify(arg)} cannot travel in a custom_id`);
  }
  const id = [PREFIX, state.kind, String(state.page), ...state.args].join(':');
  if (id.length > MAX_CUSTOM_ID) throw new Error(`page custom_id over ${MAX_CUSTOM_ID} characters: ${id}`);
  return id;
}

export function parsePageId(id: string): PageState | undefined {
  const [prefix, kind, page, ...args] = id.split(':');
  if (prefix !== PREFIX || (kind !== 'audit' && kind !== 'grants') || page === undefined || !/^\d{1,4}$/.test(page)) return undefined;
  if (!args.every((arg) => TOKEN.test(arg))) return undefined;
  return { kind, page: Number(page), args };
}

/** The navigation row, in the reader's language; none when everything fits on one page. */
export function pageButtons(state: PageState, pageCount: number, t: Messages = english): APIActionRowComponent<APIButtonComponent>[] {
  if (pageCount <= 1) return [];
  const button = (label: string, page: number, disabled: boolean, customId = pageId({ ...state, page })): APIButtonComponent => ({
    type: ComponentType.Button,
    style: ButtonStyle.Secondary,
    label,
    custom_id: customId,
    disabled,
  });
  return [
    {
      type: ComponentType.ActionRow,
      components: [
        button(t.pages.newer, state.page - 1, state.page === 0),
        // A label, not a control: its id only has to be unique in the message.
        button(t.pages.page({ page: state.page + 1, count: pageCount }), state.page, true, `${PREFIX}:${state.kind}:label`),
        button(t.pages.older, state.page + 1, state.page >= pageCount - 1),
      ],
    },
  ];
}

/** The items of one page, and the page number clamped to what exists. */
export function slicePage<T>(items: readonly T[], page: number, size: number): { items: T[]; page: number; pageCount: number } {
  const pageCount = Math.max(1, Math.ceil(items.length / size));
  const clamped = Math.min(Math.max(0, page), pageCount - 1);
  return { items: items.slice(clamped * size, clamped * size + size), page: clamped, pageCount };
}
