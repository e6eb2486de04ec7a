// The top-level slash commands that endpoint declarations live under.
import type { CommandGroup } from '../src/actions/endpoint.ts';

export const PM: CommandGroup = { name: 'pm', description: (t) => t.endpoints.groups.pm };
export const PM_PRO: CommandGroup = { name: 'pm-pro', description: (t) => t.endpoints.groups.pmPro };
export const FUTURES: CommandGroup = { name: 'futures', description: (t) => t.endpoints.groups.futures };
