// Errors an operator can act on: bad input, a refusal, an action that expired
// or was already handled. They carry a message written for the operator, in
// no language yet (a Said): the Discord layer renders it in the reader's;
// `message` is the English text, for the logs. Anything else is a bug,
// logged with a reference.
import { inEnglish, type Messages, type Said } from '../i18n/index.ts';

export type OperatorErrorKind =
  | 'invalid'
  | 'refused'
  /** Refused because the requester lost the grant since: the request is now closed. */
  | 'revoked'
  | 'expired'
  | 'closed'
  | 'not-found'
  | 'unavailable'
  /** The stored action no longer matches its log (binding.ts): closed, nothing sent. */
  | 'tampered';

export class OperatorError extends Error {
  override readonly name = 'OperatorError';

  constructor(
    readonly kind: OperatorErrorKind,
    readonly said: Said,
  ) {
    super(inEnglish(said));
  }

  /** The message in the reader's language. */
  text(t: Messages): string {
    return this.said(t);
  }
}
