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
import { rule } from '../../actions/explain.ts';
import { decimalAmount, described } from '../../actions/option-schemas.ts';
import { ANY_ACCOUNT, GRANT_ROLES, type Grant, type Store } from '../../store/index.ts';
import type { Announcer } from '../announce.ts';
import { toCsv } from '../csv.ts';
import { pageButtons, slicePage, type PageState } from '../pages.ts';
import { beforeAfter, changeText } from '../change-text.ts';
import { appliedAnnouncement, type ProposalFlow } from '../proposal-flow.ts';
import { COLOURS, discordTime, embed, noticeMessage, truncate, type MessageBody } from '../render.ts';
import { readerOf, replyInTime, type ReplyBody } from '../respond.ts';
import type { Messages } from '../../i18n/index.ts';
import { optionValues } from '../slash-options.ts';
import { accountOf, actionLabels, anyActionOption, describedAs, GUILD_ONLY, nonEmpty, parseOptions, requireGrant, subcommands, userOption } from './shared.ts';

const GRANTS_PAGE_LINES = 20;
const ASSET_RULE = rule((t) => t.access.assetRule);

/**
 * The schemas of /access. Grant, revoke and policy take an `account`: one of the configured
 * accounts (`main` alone on a one-account desk), or `*` (every account, the default).
 */
export function accessSchemas(endpoints: readonly EndpointDeclaration[], accounts: readonly string[]) {
  const endpointKeys = endpoints.map((endpoint) => endpoint.actionKey);
  const account = accountOption(accounts);
  const schemas = {
    grant: z.object({
      user: userOption((t) => t.commands.access.grantUser),
      action: anyActionOption(endpoints, (t) => t.commands.access.grantAction),
      'max-amount': decimalAmount(8)
        .optional()
        .meta(described((t) => t.commands.access.maxAmount)),
      asset: z
        .string()
        .trim()
        .toUpperCase()
        .max(20)
        // '*' passes here so that the refusal can explain itself (src/actions/access.ts).
        .regex(/^(\*|[A-Z0-9]{2,20})$/, { error: ASSET_RULE })
        .optional()
        .meta(described((t) => t.commands.access.asset)),
      role: z
        .enum(GRANT_ROLES)
        .optional()
        .meta(described((t) => t.commands.access.role, { requester: (t) => t.commands.access.roles.requester, approver: (t) => t.commands.access.roles.approver })),
      'daily-max': decimalAmount(8)
        .optional()
        .meta(described((t) => t.commands.access.dailyMax)),
    }),
    revoke: z.object({ user: userOption((t) => t.commands.access.revokeUser), action: anyActionOption(endpoints, (t) => t.commands.access.revokeAction) }),
    list: z.object({ user: userOption((t) => t.commands.access.listUser).optional() }),
    policy: z.object({
      action: z.enum(nonEmpty(endpointKeys)).meta(described((t) => t.commands.access.policyAction, actionLabels(endpoints))),
      approvals: z
        .number()
        .int()
        .min(0)
        .max(1)
        .meta(described((t) => t.commands.access.approvals)),
    }),
  };
  return {
    grant: schemas.grant.extend(account),
    revoke: schemas.revoke.extend(account),
    list: schemas.list,
    policy: schemas.policy.extend(account),
  };
}

/** `account`: a choice of `*` and each configured name (left out: `*`, or for a revoke, every row). */
function accountOption(accounts: readonly string[]) {
  return {
    account: z
      .enum(nonEmpty([ANY_ACCOUNT, ...accounts]))
      .optional()
      .meta(
        described((t) => t.commands.access.account, {
          [ANY_ACCOUNT]: (t) => t.commands.access.everyAccount,
          ...Object.fromEntries(accounts.map((name) => [name, (t: Messages) => t.commands.access.oneAccount({ account: name })])),
        }),
      ),
  };
}

export function accessDefinition(endpoints: readonly EndpointDeclaration[], accounts: readonly string[]) {
  const schemas = accessSchemas(endpoints, accounts);
  return {
    ...GUILD_ONLY,
    name: 'access',
    ...describedAs((t) => t.commands.access.description, '/access'),
    options: subcommands([
      { name: 'grant', description: (t) => t.commands.access.grant, schema: schemas.grant },
      { name: 'revoke', description: (t) => t.commands.access.revoke, schema: schemas.revoke },
      { name: 'list', description: (t) => t.commands.access.list, schema: schemas.list },
      { name: 'policy', description: (t) => t.commands.access.policy, schema: schemas.policy },
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
  /** The configured Binance accounts, main first (grant, revoke and policy take `account`). */
  readonly accounts: readonly string[];
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
    await replyInTime(interaction, async (t) => {
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
          return this.#answer(result, t);
        }
        case 'revoke': {
          const input = parseOptions(this.#schemas.revoke, raw);
          result = await access.revoke(actor, { user: input.user, action: input.action, account: accountOf(input) });
          return this.#answer(result, t);
        }
        case 'policy': {
          const input = parseOptions(this.#schemas.policy, raw);
          result = await access.policy(actor, { action: input.action, account: accountOf(input), approvals: input.approvals === 1 ? 1 : 0 });
          return this.#answer(result, t);
        }
        case 'list':
          await requireGrant(this.options.store, this.options.authorizer, actor, 'access.admin', 'approve');
          return this.#list(parseOptions(this.#schemas.list, raw), t);
        default:
          throw new OperatorError('invalid', (x) => x.commands.unknownSubcommand({ command: `access ${sub}` }));
      }
    });
    // After the maker's own answer: the channel sees the change, or the proposal to approve.
    const { announcer } = this.options;
    if (result?.kind === 'applied') await announcer.announce(interaction, appliedAnnouncement(result.change, result.before, actor, this.options.authorizer, undefined, announcer.text));
    if (result?.kind === 'proposed') await this.options.proposals.post(interaction, result.proposal);
  }

  /** ‹ Newer / Older › on /access list: the grant is checked again. */
  async page(interaction: ButtonInteraction, actor: Actor, state: PageState): Promise<void> {
    await requireGrant(this.options.store, this.options.authorizer, actor, 'access.admin', 'approve');
    const [user] = state.args;
    await interaction.update(await this.#grantsPage(user === '-' ? undefined : user, state.page, readerOf(interaction)));
  }

  #answer(result: AccessResult, t: Messages): ReplyBody {
    const { answers } = t.access;
    const shown = beforeAfter(result.change, result.before, t).map((line) => `• ${line}`);
    if (result.kind === 'proposed') {
      const { proposal } = result;
      return noticeMessage(
        answers.proposed({
          change: changeText(result.change, result.before, t),
          lines: shown.join('\n'),
          time: discordTime(proposal.expiresAt, 'T'),
          ref: proposal.id.slice(0, 8),
        }),
        COLOURS.pending,
      );
    }
    const { change } = result;
    const notes: string[] = [];
    if (change.kind === 'grant') {
      const endpoint = this.options.endpoints.find((candidate) => candidate.actionKey === change.action);
      if (endpoint !== undefined && endpoint.amount === undefined) notes.push(answers.uncappable({ action: change.action }));
      if (change.caps.length > 0) notes.push(answers.uncappedRefused);
      if (this.options.roots.has(change.user)) notes.push(answers.isRoot);
    }
    if (change.kind === 'revoke') notes.push(answers.revoked);
    if (change.kind === 'policy') notes.push(change.approvals === 1 ? answers.policyStrict : answers.policyAlone);
    return noticeMessage([answers.done({ change: changeText(change, result.before, t) }), ...shown, ...notes].join('\n'), COLOURS.success);
  }

  async #list(input: z.output<ReturnType<typeof accessSchemas>['list']>, t: Messages): Promise<ReplyBody> {
    const body = await this.#grantsPage(input.user, 0, t);
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

  async #grantsPage(user: string | undefined, page: number, t: Messages): Promise<MessageBody> {
    const { store, roots } = this.options;
    const { list } = t.access;
    const [grants, policies, open] = await Promise.all([store.grants.list(user), store.grants.policies(), store.proposals.open(this.#now())]);
    const lines = grants.map((grant) => list.grantLine({ grant: grantLine(grant, t), by: grant.grantedBy, when: discordTime(grant.grantedAt, 'R') }));
    const shown = slicePage(lines, page, GRANTS_PAGE_LINES);
    const admins = [...roots].filter((id) => user === undefined || id === user).map((id) => `<@${id}>`);
    const policyLines = policies.map((policy) =>
      list.policyLine({
        actionKey: policy.actionKey,
        account: policy.account === ANY_ACCOUNT ? '' : list.policyAccount({ account: policy.account }),
        rule: policy.approvals === 1 ? list.secondPerson : list.requesterAlone,
      }),
    );
    const proposalLines = open.map((proposal) => list.proposalLine({ ref: proposal.id.slice(0, 8), maker: proposal.makerId, expires: discordTime(proposal.expiresAt, 'R') }));
    const title = user === undefined ? list.title : list.titleOfUser;
    return {
      embeds: [
        embed({
          title: shown.pageCount > 1 ? list.paged({ title, count: lines.length, page: shown.page + 1, pages: shown.pageCount }) : title,
          description: shown.items.length ? shown.items.join('\n') : list.none,
          color: COLOURS.pending,
          fields: [
            { name: list.roots, value: truncate(admins.join(' ') || '—', 1024) },
            { name: list.policies, value: truncate(policyLines.join('\n') || list.noPolicies, 1024) },
            { name: list.proposals, value: truncate(proposalLines.join('\n') || list.noProposals, 1024) },
          ],
        }),
      ],
      components: pageButtons({ kind: 'grants', page: shown.page, args: [user ?? '-'] }, shown.pageCount, t),
    };
  }
}

/** "@alice `pm.repay-debt` as requester (caps: 1 BTC per request)"; a legacy '*' cap is flagged. */
function grantLine(grant: Grant, t: Messages): string {
  const { list } = t.access;
  const account = grant.account === ANY_ACCOUNT ? '' : t.changes.onAccount({ account: grant.account });
  const caps = grant.caps.length === 0 ? '' : list.caps({ caps: grant.caps.map((cap) => describeCap(cap, t)).join('; ') });
  return list.grant({ user: grant.userId, actionKey: grant.actionKey, account, role: grant.role, caps });
}
