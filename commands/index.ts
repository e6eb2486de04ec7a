// Every Binance endpoint the bot drives. A new endpoint is one new file in this
// folder plus one line here; nothing in src/ changes.
import { checkDeclarations, type EndpointDeclaration } from '../src/actions/endpoint.ts';
import futuresMarginType from './futures-margin-type.ts';
import pmProAutoRepayFutures from './pm-pro-auto-repay-futures.ts';
import pmProBankruptcyRepay from './pm-pro-bankruptcy-repay.ts';
import pmRepayDebt from './pm-repay-debt.ts';
import pmRepayNegativeBalance from './pm-repay-negative-balance.ts';

// Each module is checked by the compiler (`satisfies`) and again here at load.
export const ENDPOINTS: readonly EndpointDeclaration[] = checkDeclarations([
  pmRepayDebt,
  pmRepayNegativeBalance,
  pmProAutoRepayFutures,
  pmProBankruptcyRepay,
  futuresMarginType,
]);
