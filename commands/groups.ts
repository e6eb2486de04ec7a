// The top-level slash commands that endpoint declarations live under.
import type { CommandGroup } from '../src/actions/endpoint.ts';

export const PM: CommandGroup = { name: 'pm', description: 'Portfolio Margin account maintenance (papi)' };
export const PM_PRO: CommandGroup = { name: 'pm-pro', description: 'Portfolio Margin Pro account maintenance (sapi)' };
export const FUTURES: CommandGroup = { name: 'futures', description: 'USDⓈ-M futures settings (fapi)' };
