// Request signing as Binance verifies it: the signature covers exactly the
// bytes sent (query string followed directly by the form body). HMAC gives hex;
// Ed25519 and RSA give base64, which must be URL-encoded on the wire.
import { createHash, createHmac, sign as signWithKey } from 'node:crypto';
import type { SigningKey } from '../config.ts';

export interface Signer {
  readonly kind: SigningKey['kind'];
  /** The signature of `payload`, already encoded for use as a URL parameter value. */
  sign(payload: string): string;
}

export function createSigner(key: SigningKey): Signer {
  switch (key.kind) {
    case 'hmac': {
      const { secret } = key;
      return {
        kind: 'hmac',
        sign: (payload) => createHmac('sha256', secret.reveal()).update(payload).digest('hex'),
      };
    }
    case 'ed25519': {
      const { privateKey } = key;
      return {
        kind: 'ed25519',
        sign: (payload) => encodeURIComponent(signWithKey(null, Buffer.from(payload), privateKey).toString('base64')),
      };
    }
    case 'rsa': {
      const { privateKey } = key;
      // PKCS#1 v1.5 with SHA-256 is the RSA scheme Binance documents.
      return {
        kind: 'rsa',
        sign: (payload) => encodeURIComponent(signWithKey('sha256', Buffer.from(payload), privateKey).toString('base64')),
      };
    }
    default: {
      const unreachable: never = key;
      throw new Error(`unknown signing key kind ${String(unreachable)}`);
    }
  }
}

/** `a=1&b=2` with RFC 3986 encoding of each value, in the order given. */
export function encodeParams(params: ReadonlyArray<readonly [string, string]>): string {
  return params.map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`).join('&');
}

/**
 * A key's identity without the key: a SHA-256 digest of the API key, cut
 * short. Confirmations record it, so a click handled after an account's key
 * was replaced (another Binance account behind the same name) sends nothing.
 */
export function keyIdOf(apiKey: string): string {
  return createHash('sha256').update(`binance-api-key:${apiKey}`).digest('hex').slice(0, 16);
}
