// Builds dist/ once for the whole run, before any worker starts a bot process.
import { ensureBuilt } from './support/build.ts';

export default function setup(): void {
  ensureBuilt();
}
