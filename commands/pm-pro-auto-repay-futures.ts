// POST /sapi/v1/portfolio/repay-futures-switch — turn auto-repay of futures negative balance on or off.
import { z } from 'zod';
import { fieldsFromBody, type EndpointDeclaration } from '../src/actions/endpoint.ts';
import { described } from '../src/actions/option-schemas.ts';
import { PM_PRO } from './groups.ts';

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
} satisfies EndpointDeclaration<typeof options>;
