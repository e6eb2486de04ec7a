// What a Binance outcome means, as the bot explains it (src/binance/
// explanations.ts picks the message). The meanings of Binance's error codes
// are src/binance/error-codes.ts in English and zh-CN/binance-codes.ts in
// Chinese, keyed by (family, code); `codeMeaning` puts one into words.

export const binance = {
  codeMeaning: '{what} {next}',
  unknownCode: 'Binance rejected the request with code {code}; see the message for details. Nothing was executed.',
  waf: "Binance's web application firewall refused the request (HTTP 403). Nothing was executed.",
  httpRefused: 'Binance refused the request with HTTP {status}. Nothing was executed.',
  unreadable:
    'Binance answered HTTP {status} with a body that is not JSON, so the result cannot be read. Check in Binance whether the action happened before trying again.',
  banned:
    'Binance has BANNED this IP address (HTTP 418) because requests continued after a 429. Nothing was executed; every call is refused until the ban ends.',
  tooManyRequests:
    'Binance refused the call: too many requests (HTTP 429). Nothing was executed; the bot sends nothing to this API until the wait Binance asked for has passed.',
  inFlight:
    'Binance answered code {code} ({message}) with HTTP {status}: {meaning} So the request may have executed, or may still execute: the status is UNKNOWN. It will not be re-sent; check in Binance before trying again.',
  serverError:
    'Binance answered HTTP {status}. Binance documents that the execution status is then UNKNOWN: it may have happened. It will not be re-sent; check in Binance before trying again.',
  serverErrorCode:
    'Binance answered HTTP {status} ({code}: {message}). Binance documents that the execution status is then UNKNOWN: it may have happened. It will not be re-sent; check in Binance before trying again.',
  unexpected: 'Binance answered an unexpected HTTP {status}; the execution status is UNKNOWN. Check in Binance before trying again.',
  notConnected: 'Could not connect to Binance ({code}); nothing reached Binance. Check the network and {variable}, then try again.',
  timeout:
    'No answer from Binance within {timeoutMs} ms. The request was sent, so it may have been executed: the status is UNKNOWN. It will not be re-sent; check in Binance before trying again.',
  connectionLost:
    'The connection to Binance was lost after the request was sent ({code}). It may have been executed: the status is UNKNOWN. It will not be re-sent; check in Binance before trying again.',
  connectionError: 'connection error',
  botError:
    'The request was sent, then the bot failed before it could read the answer: it may have executed, the status is UNKNOWN. It will not be re-sent; check in Binance before trying again.',
  notSent: 'Not sent: {detail}.',
  held: {
    limit: '{header} is at {used} of {limit}; this call adds {cost}',
    shared: '{header} is at {used} of {limit} across the bot processes on this database; this call adds {cost}',
    banned: 'Binance has BANNED this IP address (HTTP 418) for sending after a 429',
    retryAfter: 'Binance answered 429 (too many requests) and asked the bot to wait',
  },
} as const;
