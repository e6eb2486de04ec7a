// POST /sapi/v1/portfolio/repay-futures-switch — turn auto-repay of futures negative balance on or off.
import { z } from 'zod';
import { fieldsFromBody, type EndpointDeclaration } from '../src/actions/endpoint.ts';
import { described } from '../src/actions/option-schemas.ts';
import { CLEAR, confirmed, contradicted, defineReadBack, signedGet, stateDecision } from '../src/actions/read-back.ts';
import { PM_PRO } from './groups.ts';
import type { Messages, Said } from '../src/i18n/index.ts';

const options = z.object({
  enabled: z.boolean().meta(described((t) => t.endpoints.autoRepay.options.enabled)),
});

export default {
  group: PM_PRO,
  subcommand: 'auto-repay-futures',
  title: (t) => t.endpoints.autoRepay.title,
  description: (t) => t.endpoints.autoRepay.description,
  actionKey: 'pm-pro.auto-repay-futures',
  docUrl: 'https://developers.binance.com/docs/derivatives/portfolio-margin-pro/account/Change-Auto-repay-futures-Status',
  options,
  binance: { family: 'sapi', method: 'POST', path: '/sapi/v1/portfolio/repay-futures-switch', weight: { amount: 1500, kind: 'ip' } },
  // A TRADE endpoint whose page names no permission: the one its product's bankruptcy repay names.
  requires: { kind: 'portfolio-margin-pro', permission: 'enableSpotAndMarginTrading' },
  risk: { destructive: false, idempotent: true, irreversible: false },
  toParams: (o) => [['autoRepay', o.enabled ? 'true' : 'false']],
  summary: (o) => (t) => (o.enabled ? t.endpoints.autoRepay.summaryOn : t.endpoints.autoRepay.summaryOff),
  notes: (o) => (o.enabled ? [] : [(t) => t.endpoints.autoRepay.notes.whileOff]),
  renderSuccess: (body) =>
    fieldsFromBody(z.object({ msg: z.string() }), body, (answer) => [{ label: (t) => t.outcome.binanceSays, value: answer.msg }]),
  // GET /sapi/v1/portfolio/repay-futures-switch (USER_DATA, IP weight 30): `{ "autoRepay": true }`.
  readBack: defineReadBack(options, {
    docUrls: ['https://developers.binance.com/docs/derivatives/portfolio-margin-pro/account/Get-Auto-repay-futures-Status'],
    reads: () => ({ status: signedGet('sapi', '/sapi/v1/portfolio/repay-futures-switch', [], { amount: 30, kind: 'ip' }) }),
    state: z.object({ status: z.object({ autoRepay: z.boolean() }) }),
    show: ({ status }) => (t) => words(t).is({ state: onOff(status.autoRepay)(t) }),
    preview: ({ status }, o) => [
      (t) =>
        status.autoRepay === o.enabled
          ? words(t).already({ state: onOff(status.autoRepay)(t) })
          : words(t).change({ state: onOff(status.autoRepay)(t), wanted: onOff(o.enabled)(t) }),
    ],
    // Setting the value it already has is not an error Binance documents.
    preflight: () => CLEAR,
    verify: ({ after }, o) =>
      after.status.autoRepay === o.enabled
        ? confirmed((t) => words(t).is({ state: onOff(o.enabled)(t) }))
        : contradicted((t) => words(t).stillShows({ state: onOff(after.status.autoRepay)(t) })),
    reconcile: (context, o) =>
      stateDecision(
        context,
        context.after.status.autoRepay === o.enabled,
        context.before === undefined ? undefined : context.before.status.autoRepay === o.enabled,
        { now: (t) => words(t).shows({ state: onOff(context.after.status.autoRepay)(t) }), before: context.before === undefined ? undefined : onOff(context.before.status.autoRepay) },
        SETTLE_MS,
      ),
  }),
} satisfies EndpointDeclaration<typeof options>;

/** How long after the send a switch still showing the old value means the call did not run. */
const SETTLE_MS = 30_000;

const words = (t: Messages) => t.endpoints.autoRepay.state;

function onOff(on: boolean): Said {
  return (t) => (on ? words(t).on : words(t).off);
}
