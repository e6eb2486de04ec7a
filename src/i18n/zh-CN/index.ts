// 简体中文目录：英文目录（../en/）的逐键翻译。下面的检查让编译器核对二者：
// 缺少的键、多出的键、占位符不同的消息都会使类型检查失败，错误里写明键的路径。
// The zh-CN catalog: a key-for-key translation of ../en/, checked by the
// compiler below (a missing key, an extra one or another placeholder fails
// the type check, naming the key's path).
import type { ExactTranslation } from '../catalog.ts';
import type { en } from '../en/index.ts';
import { access, changes, freeze, proposals } from './access.ts';
import { accounts, keys } from './accounts.ts';
import { binance } from './binance.ts';
import { commands } from './commands.ts';
import { endpoints } from './endpoints.ts';
import { auth, caps, common, pipeline, validation } from './pipeline.ts';
import { autocomplete, outcome, pages, render, router, tamper } from './replies.ts';
import { liveState, readBack, reconcile, resolution, sendAnyway } from './readback.ts';
import { audit, auditPosts, status } from './status.ts';

/** Returns `catalog` as is; the compiler refuses it unless it translates the English catalog exactly. */
function translation<const Catalog>(catalog: Catalog & ExactTranslation<typeof en, Catalog>): Catalog {
  return catalog;
}

export const zhCN = translation({
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
});
