// /access grant · revoke · list · policy: who may do what. The rules (roots
// at once, delegated admins by proposal, nobody changes their own access)
// live in src/actions/access.ts; this file owns the options, the answers and
// what follows them: an applied change is announced, a proposal is posted
// with Approve / Reject.
import type { ButtonInteraction, ChatInputCommandInteraction } from 'discord.js';
import { z } from 'zod';
import type { AccessResult, AccessService } from '../../actions/access.ts';
import type { Actor } from '../../actions/actor.ts';
import type { Authorizer } from '../../actions/authorization.ts';
import { describeCap } from '../../actions/caps.ts';
import type { EndpointDeclaration } from '../../actions/endpoint.ts';
import { OperatorError } from '../../actions/errors.ts';
import { decimalAmount } from '../../actions/option-schemas.ts';
import { ANY_ACCOUNT, GRANT_ROLES, type Grant, type Store } from '../../store/index.ts';
import type { Announcer } from '../announce.ts';
import { toCsv } from '../csv.ts';
import { pageButtons, slicePage, type PageState } from '../pages.ts';
import { beforeAfter, changeText } from '../change-text.ts';
import { appliedAnnouncement, type ProposalFlow } from '../proposal-flow.ts';
import { COLOURS, discordTime, embed, noticeMessage, truncate, type MessageBody } from '../render.ts';
import { replyInTime, type ReplyBody } from '../respond.ts';
import { optionValues } from '../slash-options.ts';
import { accountOf, anyActionOption, GUILD_ONLY, nonEmpty, parseOptions, requireGrant, subcommands, userOption } from './shared.ts';

const GRANTS_PAGE_LINES = 20;

/**
 * The schemas of /access. With several Binance accounts configured (`accounts`), grant, revoke
 * and policy take an `account`: one of them, or `*` (every account, the default).
 */
export function accessSchemas(endpoints: readonly EndpointDeclaration[], accounts?: readonly string[]) {
  const endpointKeys = endpoints.map((endpoint) => endpoint.actionKey);
  const account = accountOption(accounts);
  const schemas = {
    grant: z.object({
      user: userOption('Who gets the grant'),
      action: anyActionOption(endpoints, 'The action they may do'),
      'max-amount': decimalAmount(8).optional().describe('Cap on the amount per request (amount-bearing actions only; needs asset)'),
      asset: z
        .string()
        .trim()
        .toUpperCase()
        .max(20)
        // '*' passes here so that the refusal can explain itself (src/actions/access.ts).
        .regex(/^(\*|[A-Z0-9]{2,20})$/, { error: 'must be an asset: 2 to 20 letters or digits, such as BTC' })
        .optional()
        .describe('The asset the caps apply to, such as BTC (required with max-amount and daily-max)'),
      role: z.enum(GRANT_ROLES).optional().describe('requester (new grants): may request and approve; approver: only approve/reject. A re-grant keeps it'),
      'daily-max': decimalAmount(8).optional().describe('Cap on the total over any rolling 24 hours (amount-bearing actions; needs asset)'),
    }),
    revoke: z.object({ user: userOption('Whose grant to remove'), action: anyActionOption(endpoints, 'The action to take away') }),
    list: z.object({ user: userOption('Only this user').optional() }),
    policy: z.object({
      action: z.enum(nonEmpty(endpointKeys)).describe('The action whose approval rule to set'),
      approvals: z.number().int().min(0).max(1).describe('0: the requester alone; 1: a second person must approve'),
    }),
  };
  return {
    grant: schemas.grant.extend(account),
    revoke: schemas.revoke.extend(account),
    list: schemas.list,
    policy: schemas.policy.extend(account),
  };
}

/** `account` (several accounts configured: a choice of `*` and each name), or nothing. */
function accountOption(accounts: readonly string[] | undefined) {
  if (accounts === undefined) return {};
  return {
    account: z
      .enum(nonEmpty([ANY_ACCOUNT, ...accounts]))
      .optional()
      .describe('The Binance account it applies to: one account, or * for every account (the default)'),
  };
}

export function accessDefinition(endpoints: readonly EndpointDeclaration[], accounts?: readonly string[]) {
  const schemas = accessSchemas(endpoints, accounts);
  return {
    ...GUILD_ONLY,
    name: 'access',
    description: 'Who may do what with the bot (needs access.admin)',
    options: subcommands([
      { name: 'grant', description: 'Grant a user an action, as requester or approver, optionally capped per asset', schema: schemas.grant },
      { name: 'revoke', description: "Remove a user's grant of an action", schema: schemas.revoke },
      { name: 'list', description: 'List grants, approval policies and open proposals', schema: schemas.list },
      { name: 'policy', description: 'Require (1) or not (0) a second person to approve an action', schema: schemas.policy },
    ]),
  };
}

export interface AccessCommandOptions {
  readonly store: Store;
  readonly authorizer: Authorizer;
  readonly access: AccessService;
  readonly proposals: ProposalFlow;
  readonly announcer: Announcer;
  readonly endpoints: readonly EndpointDeclaration[];
  readonly roots: ReadonlySet<string>;
  /** With several Binance accounts: their names (grant, revoke and policy then take `account`). */
  readonly accounts?: readonly string[] | undefined;
  readonly now?: () => number;
}

export class AccessCommand {
  readonly #schemas: ReturnType<typeof accessSchemas>;
  readonly #now: () => number;

  constructor(private readonly options: AccessCommandOptions) {
    this.#schemas = accessSchemas(options.endpoints, options.accounts);
    this.#now = options.now ?? Date.now;
  }

  async run(interaction: ChatInputCommandInteraction, actor: Actor): Promise<void> {
    const sub = interaction.options.getSubcommand();
    const raw = optionValues(interaction.options.data);
    const { access } = this.options;
    let result: AccessResult | undefined;
    await replyInTime(interaction, async () => {
      switch (sub) {
        case 'grant': {
          const input = parseOptions(this.#schemas.grant, raw);
          result = await access.grant(actor, {
            user: input.user,
            action: input.action,
            account: accountOf(input),
            role: input.role,
            asset: input.asset,
            maxAmount: input['max-amount'],
            dailyMax: input['daily-max'],
          });
          return this.#answer(result);
        }
        case 'revoke': {
          const input = parseOptions(this.#schemas.revoke, raw);
          result = await access.revoke(actor, { user: input.user, action: input.action, account: accountOf(input) });
          return this.#answer(result);
        }
        case 'policy': {
          const input = parseOptions(this.#schemas.policy, raw);
          result = await access.policy(actor, { action: input.action, account: accountOf(input), approvals: input.approvals === 1 ? 1 : 0 });
          return this.#answer(result);
        }
        case 'list':
          await requireGrant(this.options.store, this.options.authorizer, actor, 'access.admin', 'approve');
          return this.#list(parseOptions(this.#schemas.list, raw));
        default:
          throw new OperatorError('invalid', `Unknown subcommand /access ${sub}.`);
      }
    });
    // After the maker's own answer: the channel sees the change, or the proposal to approve.
    if (result?.kind === 'applied') await this.options.announcer.announce(interaction, appliedAnnouncement(result.change, result.before, actor, this.options.authorizer));
    if (result?.kind === 'proposed') await this.options.proposals.post(interaction, result.proposal);
  }

  /** ‹ Newer / Older › on /access list: the grant is checked again. */
  async page(interaction: ButtonInteraction, actor: Actor, state: PageState): Promise<void> {
    await requireGrant(this.options.store, this.options.authorizer, actor, 'access.admin', 'approve');
    const [user] = state.args;
    await interaction.update(await this.#grantsPage(user === '-' ? undefined : user, state.page));
  }

  #answer(result: AccessResult): ReplyBody {
    const shown = beforeAfter(result.change, result.before).map((line) => `• ${line}`);
    if (result.kind === 'proposed') {
      const { proposal } = result;
      return noticeMessage(
        `Proposed: ${changeText(result.change, result.before)}.\n${shown.join('\n')}\nNothing changes until a different admin (another \`access.admin\` holder or a root admin) approves it in the channel, before ${discordTime(proposal.expiresAt, 'T')}. ref ${proposal.id.slice(0, 8)}`,
        COLOURS.pending,
      );
    }
    const { change } = result;
    const notes: string[] = [];
    if (change.kind === 'grant') {
      const endpoint = this.options.endpoints.find((candidate) => candidate.actionKey === change.action);
      if (endpoint !== undefined && endpoint.amount === undefined) {
        notes.push(`\`${change.action}\` carries no amount, so it cannot be capped: to limit it, require a second person with \`/access policy action:${change.action} approvals:1\`.`);
      }
      if (change.caps.length > 0) notes.push('Assets without a cap of their own are refused.');
      if (this.options.roots.has(change.user)) notes.push('(They are in BOT_ADMIN_IDS and hold every action anyway.)');
    }
    if (change.kind === 'revoke') notes.push('Their open confirmations of it will be refused at the click.');
    if (change.kind === 'policy') {
      notes.push(
        change.approvals === 1
          ? 'After the requester confirms, a second person who holds it (as requester or approver) must Approve.'
          : 'Requests already on screen keep the rule they were made under.',
      );
    }
    return noticeMessage([`Done: ${changeText(change, result.before)}.`, ...shown, ...notes].join('\n'), COLOURS.success);
  }

  async #list(input: z.output<ReturnType<typeof accessSchemas>['list']>): Promise<ReplyBody> {
    const body = await this.#grantsPage(input.user, 0);
    if (body.components.length === 0) return body;
    // More than one page: the whole list as CSV too.
    const grants = await this.options.store.grants.list(input.user);
    const csv = toCsv(
      ['user_id', 'action_key', 'account', 'role', 'limits', 'granted_by', 'granted_at'],
      grants.map((g) => [
        g.userId,
        g.actionKey,
        g.account,
        g.role,
        g.caps.map((c) => [c.maxAmount === null ? '' : `${c.asset}<=${c.maxAmount}`, c.dailyMax === null ? '' : `${c.asset}/24h<=${c.dailyMax}`].filter(Boolean).join(' ')).join(' '),
        g.grantedBy,
        new Date(g.grantedAt).toISOString(),
      ]),
    );
    return { ...body, files: [{ attachment: Buffer.from(csv, 'utf8'), name: 'grants.csv' }] };
  }

  async #grantsPage(user: string | undefined, page: number): Promise<MessageBody> {
    const { store, roots } = this.options;
    const [grants, policies, open] = await Promise.all([store.grants.list(user), store.grants.policies(), store.proposals.open(this.#now())]);
    const lines = grants.map((grant) => `${grantLine(grant)} — by <@${grant.grantedBy}> ${discordTime(grant.grantedAt, 'R')}`);
    const shown = slicePage(lines, page, GRANTS_PAGE_LINES);
    const admins = [...roots].filter((id) => user === undefined || id === user).map((id) => `<@${id}>`);
    const policyLines = policies.map(
      (policy) => `\`${policy.actionKey}\`${policy.account === ANY_ACCOUNT ? '' : ` (account ${policy.account})`}: ${policy.approvals === 1 ? 'needs a second person' : 'requester alone'}`,
    );
    const proposalLines = open.map((proposal) => `ref ${proposal.id.slice(0, 8)} by <@${proposal.makerId}>, expires ${discordTime(proposal.expiresAt, 'R')}`);
    return {
      embeds: [
        embed({
          title: `${user === undefined ? 'Grants' : 'Grants of one user'}${shown.pageCount > 1 ? ` (${lines.length}, page ${shown.page + 1} of ${shown.pageCount})` : ''}`,
          description: shown.items.length ? shown.items.join('\n') : 'No grants.',
          color: COLOURS.pending,
          fields: [
            { name: 'BOT_ADMIN_IDS (root admins: every action, changes apply at once)', value: truncate(admins.join(' ') || '—', 1024) },
            { name: 'Approval policies', value: truncate(policyLines.join('\n') || 'None: every action runs on its requester’s confirmation.', 1024) },
            { name: 'Open proposals', value: truncate(proposalLines.join('\n') || 'None.', 1024) },
          ],
        }),
      ],
      components: pageButtons({ kind: 'grants', page: shown.page, args: [user ?? '-'] }, shown.pageCount),
    };
  }
}

/** "@alice `pm.repay-debt` as requester (caps: 1 BTC per request)"; a legacy '*' cap is flagged. */
function grantLine(grant: Grant): string {
  const account = grant.account === ANY_ACCOUNT ? '' : ` on account ${grant.account}`;
  const caps = grant.caps.length === 0 ? '' : ` (caps: ${grant.caps.map(describeCap).join('; ')})`;
  return `<@${grant.userId}> \`${grant.actionKey}\`${account} as ${grant.role}${caps}`;
}
