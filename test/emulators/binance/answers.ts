// Binance's answer bodies: `{ "code", "msg" }` errors with the messages its
// error-code pages document, and the helpers endpoints use to check parameters.
import type { Answer, Params } from './types.ts';

/** Messages as Binance's error-code pages print them, for faults given without one. */
export const DEFAULT_MESSAGES: Readonly<Record<number, string>> = {
  [-1000]: 'An unknown error occurred while processing the request.',
  [-1006]: 'An unexpected response was received from the message bus. Execution status unknown.',
  [-1007]: 'Timeout waiting for response from backend server. Send status unknown; execution status unknown.',
  [-1008]: 'Request throttled by system-level protection. Reduce-only/close-position orders are exempt. Please try again.',
  [-1021]: 'Timestamp for this request is outside of the recvWindow.',
  [-1022]: 'Signature for this request is not valid.',
  [-2014]: 'API-key format invalid.',
  [-2015]: 'Invalid API-key, IP, or permissions for action.',
  [-3007]: 'You have pending transaction, please try again later.',
  [-3015]: 'Repay amount exceeds borrow amount.',
  [-3041]: 'Balance is not enough',
  [-3044]: 'System busy.',
  [-4046]: 'No need to change margin type.',
  [-4047]: 'Margin type cannot be changed if there exists open orders.',
  [-4048]: 'Margin type cannot be changed if there exists position.',
  [-4168]: 'Unable to adjust to isolated-margin mode under the Multi-Assets mode.',
  [-21001]: 'Request ID is not a Portfolio Margin Account.',
  [-21004]: 'User doesn’t have portfolio margin bankruptcy loan',
  [-21005]: 'User’s spot wallet doesn’t have enough BUSD to repay portfolio margin bankruptcy loan',
  [-21006]: 'User had portfolio margin bankruptcy loan repayment in process',
  [-21007]: 'User failed to repay portfolio margin bankruptcy loan since liquidation was in process',
  51007: 'You have pending borrow or repayment, please try again later.',
};

export function error(status: number, code: number, msg: string = DEFAULT_MESSAGES[code] ?? 'Error.'): Answer {
  return { status, body: JSON.stringify({ code, msg }) };
}

export const ok = (body: string): Answer => ({ status: 200, body });

export const json = (value: unknown): Answer => ok(JSON.stringify(value));

/** -2015 with Binance's documented text; Binance answers it with HTTP 401. */
export const keyRefused = (): Answer => error(401, -2015);

export function required(params: Params, name: string): Answer | undefined {
  const value = params[name];
  return value === undefined || value === ''
    ? error(400, -1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`)
    : undefined;
}

/** A LONG parameter, or -1100 when it is not one; undefined when absent. */
export function longParam(params: Params, name: string): number | Answer | undefined {
  const value = params[name];
  if (value === undefined || value === '') return undefined;
  return /^\d{1,16}$/.test(value) ? Number(value) : error(400, -1100, `Illegal characters found in parameter '${name}'; legal range is '^[0-9]{1,20}$'.`);
}

/** `current` / `size` paging as Binance documents it: `current` from 1, `size` default 10, at most 100. */
export function page<T>(rows: readonly T[], params: Params): T[] | Answer {
  const current = longParam(params, 'current');
  const size = longParam(params, 'size');
  if (typeof current === 'object') return current;
  if (typeof size === 'object') return size;
  if (size !== undefined && (size < 1 || size > 100)) return error(400, -1130, "Data sent for parameter 'size' is not valid.");
  const from = ((current ?? 1) - 1) * (size ?? 10);
  return rows.slice(Math.max(0, from), Math.max(0, from) + (size ?? 10));
}
