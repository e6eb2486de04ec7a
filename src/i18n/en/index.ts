// The English catalog: the source every other language translates, key for
// key and placeholder for placeholder (checked in ../zh-CN/index.ts).
import { access, changes, freeze, proposals } from './access.ts';
import { accounts, keys } from './accounts.ts';
import { binance } from './binance.ts';
import { commands } from './commands.ts';
import { endpoints } from './endpoints.ts';
import { auth, caps, common, pipeline, validation } from './pipeline.ts';
import { autocomplete, outcome, pages, render, router, tamper } from './replies.ts';
import { liveState, readBack, reconcile, resolution, sendAnyway } from './readback.ts';
import { audit, auditPosts, status } from './status.ts';

export const en = {
  common,
  pipeline,
  validation,
  auth,
  caps,
  access,
  proposals,
  changes,
  freeze,
  render,
  outcome,
  router,
  tamper,
  pages,
  autocomplete,
  binance,
  endpoints,
  commands,
  keys,
  accounts,
  status,
  audit,
  auditPosts,
  sendAnyway,
  liveState,
  readBack,
  resolution,
  reconcile,
} as const;
