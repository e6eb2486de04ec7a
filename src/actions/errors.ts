// Errors an operator can act on: bad input, a refusal, an action that expired
// or was already handled. They carry a message written for the operator; the
// Discord layer shows it as is. Anything else is a bug, logged with a reference.
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
    message: string,
  ) {
    super(message);
  }
}
