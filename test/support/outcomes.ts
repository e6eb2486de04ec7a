// Small assertions the pipeline tests share: the operator's error a promise
// rejects with, and a Confirm that must have claimed the action.
import { expect } from 'vitest';
import { OperatorError } from '../../src/actions/errors.ts';
import type { ClaimedAction, ConfirmResult } from '../../src/actions/service.ts';

/** The OperatorError `promise` rejects with (the test fails if it resolves or throws anything else). */
export async function refusal(promise: Promise<unknown>): Promise<OperatorError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(OperatorError);
  return error as OperatorError;
}

/** A Confirm that claimed the action (not one that waits for approval). */
export function claimed(result: ConfirmResult): ClaimedAction {
  if (result.kind !== 'claimed') throw new Error(`expected a claim, got ${result.kind}`);
  return result;
}
