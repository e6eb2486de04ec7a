// The pipeline's first steps for a slash command: refuse an option that holds
// a configured secret (secret-input.ts), validate the options (the endpoint's
// schema, and the `account` the pipeline adds to every endpoint), pick the
// account, check that the database is what its log explains (trail.ts), authorize
// on that account, stop at the freeze, refuse an account whose key cannot run
// the command (naming the permission), check the daily cap, then store the
// pending action with its `requested` log row, which binds everything the send
// depends on (the account and its key included); the buttons carry its digest.
import type { BinanceRequest } from '../binance/index.ts';
import { inEnglish, type Said } from '../i18n/index.ts';
import type { PendingAction, Store } from '../store/index.ts';
import type { AccountEntry, Accounts } from './accounts.ts';
import { who, type Actor } from './actor.ts';
import type { Authorizer } from './authorization.ts';
import { buildRequest, recordDigest, recordOf } from './binding.ts';
import { checkDaily, type DailyStanding } from './caps.ts';
import type { Eligibility } from './eligibility.ts';
import { ACCOUNT_OPTION, type EndpointDeclaration } from './endpoint.ts';
import { OperatorError } from './errors.ts';
import { describeIssues, viewTexts } from './explain.ts';
import { frozenIn, frozenRefusal } from './freeze.ts';
import { assertTrail } from './integrity.ts';
import { recordRefusal } from './refusals.ts';
import { secretRefusal, WITHHELD, type SecretScreen } from './secret-input.ts';
import { targetOf } from './target.ts';

export { ACCOUNT_OPTION };

/** Everything a confirmation shows, before anything is sent. */
export interface ConfirmationView {
  readonly action: PendingAction;
  readonly endpoint: EndpointDeclaration;
  readonly options: Record<string, unknown>;
  readonly summary: string;
  readonly notes: readonly string[];
  readonly request: BinanceRequest;
  /** The account it runs on ("futures (Futures desk)"), and whether its key was checked. */
  readonly account: { readonly shown: string; readonly eligibility: Eligibility };
  /** The rule that holds for this action: the stricter of this and a later policy applies at the click. */
  readonly approvalsRequired: 0 | 1;
  /** The requester's daily cap on this asset, and what is left of it before this request. */
  readonly dailyCap: DailyStanding | undefined;
  /** What the Confirm and Cancel buttons carry: the digest of the request logged, its account included (click-digest.ts). */
  readonly digest: string;
}

export interface RequestContext {
  readonly store: Store;
  readonly authorizer: Authorizer;
  readonly accounts: Accounts;
  readonly confirmTimeoutMs: number;
  readonly now: () => number;
  /** Every configured secret (each account's API secret and key passphrase among them). */
  readonly secrets: SecretScreen;
}

/** A slash command: validate, pick the account, authorize, store the pending action and say what would be sent. */
export async function requestAction(
  context: RequestContext,
  actor: Actor,
  endpoint: EndpointDeclaration,
  raw: Readonly<Record<string, unknown>>,
): Promise<ConfirmationView> {
  const { store, authorizer, accounts } = context;
  const base = { actionKey: endpoint.actionKey, ...who(actor) };
  const pasted = context.secrets.screen(raw);
  if (pasted.names.length > 0) {
    await recordRefusal(store, authorizer, { event: 'invalid', ...base, userId: actor.id, params: pasted.withheld, detail: `${pasted.names.join(', ')}: ${WITHHELD}` });
    throw new OperatorError('invalid', secretRefusal(pasted.names));
  }
  const { [ACCOUNT_OPTION]: chosen, ...given } = raw;
  const invalid = async (problems: Said): Promise<never> => {
    await recordRefusal(store, authorizer, { event: 'invalid', ...base, userId: actor.id, params: raw, detail: inEnglish(problems) });
    throw new OperatorError('invalid', (t) => t.pipeline.invalidOptions({ problems: problems(t) }));
  };
  const parsed = endpoint.options.safeParse(given);
  if (!parsed.success) return invalid(describeIssues(parsed.error, given));
  if (chosen !== undefined && typeof chosen !== 'string') return invalid((t) => t.accounts.choose.notAName);
  const choice = accounts.choose(endpoint, chosen);
  if (!choice.ok) return invalid(choice.reason);
  const options = parsed.data;
  const account = choice.entry.name;
  const refuse = async (reason: Said): Promise<never> => {
    await recordRefusal(store, authorizer, { event: 'refused', ...base, userId: actor.id, params: { ...options, [ACCOUNT_OPTION]: account }, detail: inEnglish(reason) });
    throw new OperatorError('refused', (t) => t.pipeline.refused({ reason: reason(t) }));
  };
  const amount = endpoint.amount?.(options);
  // The grants, policy, freeze and daily totals below are the log's (trail.ts), or nothing is stored.
  await assertTrail(store, store.db);
  const decision = await authorizer.check(actor.id, endpoint.actionKey, { account, use: 'request', amount });
  // The grant before the freeze and the key: someone with no grant is told just that.
  if (!decision.allowed) {
    const { says } = decision;
    return refuse(accounts.all.length > 1 ? (t) => t.accounts.onAccount({ reason: says(t), account }) : says);
  }
  const frozen = await store.freeze.current();
  if (frozen !== undefined) return refuse(frozenRefusal(frozen));
  if (choice.eligibility.kind === 'ineligible') {
    const { reason } = choice.eligibility;
    return refuse((t) => t.accounts.checkedAtKeyRead({ reason: reason(t) }));
  }
  const now = context.now();
  const daily =
    amount === undefined ? undefined : await checkDaily(store, store.db, { userId: actor.id, actionKey: endpoint.actionKey, account, request: amount, now });
  if (daily?.ok === false) return refuse(daily.reason);
  const request = buildRequest(endpoint, options);
  const target = targetOf(choice.entry.client, request.family);
  const approvalsRequired = await store.grants.approvalsRequired(endpoint.actionKey, account);
  const expiresAt = now + context.confirmTimeoutMs;
  // Everything the send depends on, bound under the `requested` row's hash (binding.ts checks it at every click).
  const record = recordOf(request, target, {
    account,
    approvalsRequired,
    expiresAt,
    amount: amount === undefined ? null : { asset: amount.asset, amount: amount.amount ?? null },
  });
  const action = await store.db.transaction(async (tx) => {
    await assertTrail(store, tx);
    // A freeze committed since the check above: store nothing.
    if ((await frozenIn(store, tx)) !== undefined) return undefined;
    const created = await store.pending.create(
      tx,
      {
        actionKey: endpoint.actionKey,
        requesterId: actor.id,
        requesterTag: actor.tag,
        guildId: actor.guildId,
        channelId: actor.channelId,
        // The endpoint's raw options (the account has its own column): re-parsed at each click for the grant check.
        optionsJson: JSON.stringify(given),
        requestJson: JSON.stringify({ ...request, target }),
        expiresAt,
        account,
        approvalsRequired,
        amountAsset: amount?.asset ?? null,
        amount: amount?.amount ?? null,
      },
      now,
    );
    await store.log.appendIn(tx, { event: 'requested', ...base, actionId: created.id, params: options, request: record });
    return created;
  });
  if (action === undefined) {
    const freeze = await store.freeze.current();
    return refuse(freeze === undefined ? (t) => t.pipeline.frozenWhileAsked : frozenRefusal(freeze));
  }
  return {
    action,
    endpoint,
    ...viewTexts(endpoint, options),
    request,
    account: accountView(accounts, choice.entry, choice.eligibility),
    approvalsRequired,
    dailyCap: daily?.standing,
    digest: recordDigest(endpoint.actionKey, actor.id, record, expiresAt),
  };
}

/** The account as a message shows it. */
export function accountView(accounts: Accounts, entry: Pick<AccountEntry, 'name'>, eligibility: Eligibility): ConfirmationView['account'] {
  return { shown: accounts.display(entry.name), eligibility };
}
