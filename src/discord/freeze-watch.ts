// Every bot process notices a freeze engaged by another one within its 1 s
// sweep, and greys out the confirmations, approval requests and proposals it
// holds messages of. (The freeze itself closed them in the database when it was
// engaged; the engaging process greyed out everything it could reach.)
import type { Client } from 'discord.js';
import type { FreezeService } from '../actions/freeze.ts';
import type { ConfirmationFlow } from './confirmation-flow.ts';
import type { ProposalFlow } from './proposal-flow.ts';

export class FreezeWatch {
  /** The freeze this process has already shown, by when it was engaged. */
  #seen: number | undefined;

  constructor(
    private readonly freeze: FreezeService,
    private readonly flow: ConfirmationFlow,
    private readonly proposals: ProposalFlow,
  ) {}

  async check(client: Client): Promise<void> {
    const current = await this.freeze.current();
    if (current?.since === this.#seen) return;
    this.#seen = current?.since;
    if (current === undefined) return;
    await this.flow.showFrozen(client, current);
    await this.proposals.showFrozen(client, current);
  }
}
