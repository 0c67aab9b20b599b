// The counting screen's texts (routes/stocktake) in zh-CN and English, beside the shared
// dictionary (i18n.svelte.ts); `st` reads the same locale rune as `t`. A missing English text is
// a type error.
import { i18n } from "./i18n.svelte.ts";

const zh = {
  title: "盘点",
  sessions: "盘点单",
  none: "没有进行中的盘点。总部下发盘点单后会出现在这里，或由本店新建。",
  newCount: "本店新建盘点",
  full: "全盘",
  cycle: "循环盘点",
  skusHint: "循环盘点的商品编码，用逗号分开",
  create: "新建",
  open: "进入",
  counter: "盘点人编号",
  pin: "密码",
  join: "加入盘点",
  scan: "扫码或输入条码 / 商品编码",
  qty: "数量",
  add: "记入",
  last: "刚记入",
  sku: "商品编码",
  name: "品名",
  counted: "已盘数量",
  counters: "盘点人",
  finish: "完成盘点",
  cancel: "取消盘点",
  back: "返回",
  recountTitle: "以下商品与账面差异较大，请复盘（复盘数量取代首盘）",
  recountBadge: "需复盘",
  recountedBadge: "已复盘",
  blind: "盲盘：不显示账面数量",
  openedBy: "发起",
  hq: "总部",
  store: "本店",
  statusCounting: "盘点中",
  statusRecount: "复盘中",
  statusSubmitted: "已提交总部，等待审核",
  statusApproved: "总部已批准，差异已入账",
  statusRejected: "总部已驳回，请重新盘点",
  statusCancelled: "已取消",
  signedInAs: "盘点人",
  errNoSession: "没有这张盘点单",
  errClosed: "这张盘点单已结束盘点",
  errNotJoined: "请先输入盘点人编号和密码加入盘点",
  errUnknownCode: "没有找到这个条码或商品编码",
  errOutsideCount: "这个商品不在本次盘点范围内",
  errNotRecount: "这个商品不需要复盘，只扫描需复盘的商品",
  errRecountMissing: "还有需复盘的商品没有复盘",
  errLotRequired: "这个商品按批次盘点：请选择批次，或输入批次号和到期日",
  batch: "批次号",
  expiry: "到期日（年-月-日）",
  pickLot: "按批次盘点，请选择批次",
  undated: "无批次（退货、盘盈等）",
  newLot: "其他批次：在上方填写批次号和到期日后记入",
  expires: "到期",
  lots: "批次",
};

const en: Record<keyof typeof zh, string> = {
  title: "Stocktake",
  sessions: "Counts",
  none: "No count in progress. Counts HQ sends appear here, or open one for this store.",
  newCount: "New store count",
  full: "Full count",
  cycle: "Cycle count",
  skusHint: "Cycle count SKUs, comma separated",
  create: "Open",
  open: "Enter",
  counter: "Counter code",
  pin: "PIN",
  join: "Join count",
  scan: "Scan or type a barcode / SKU",
  qty: "Qty",
  add: "Add",
  last: "Just added",
  sku: "SKU",
  name: "Name",
  counted: "Counted",
  counters: "Counters",
  finish: "Finish counting",
  cancel: "Cancel count",
  back: "Back",
  recountTitle:
    "These lines differ a lot from the book: count them again (the recount replaces the first count)",
  recountBadge: "recount",
  recountedBadge: "recounted",
  blind: "Blind count: the book quantity is not shown",
  openedBy: "Opened by",
  hq: "HQ",
  store: "this store",
  statusCounting: "Counting",
  statusRecount: "Recounting",
  statusSubmitted: "Sent to HQ, awaiting approval",
  statusApproved: "Approved by HQ; differences posted",
  statusRejected: "Rejected by HQ; count again",
  statusCancelled: "Cancelled",
  signedInAs: "Counter",
  errNoSession: "No such count",
  errClosed: "Counting is over for this count",
  errNotJoined: "Join the count with your code and PIN first",
  errUnknownCode: "No product with this barcode or SKU",
  errOutsideCount: "This item is not in this count",
  errNotRecount: "This item needs no recount: scan only the items asked for",
  errRecountMissing: "Some items asked for a recount are not recounted yet",
  errLotRequired: "This item is counted by lot: pick its lot, or type the batch and expiry",
  batch: "Batch",
  expiry: "Expiry (yyyy-mm-dd)",
  pickLot: "Counted by lot: pick the lot",
  undated: "No batch (returns, count gains)",
  newLot: "Another lot: type its batch and expiry above, then add",
  expires: "expires",
  lots: "Lots",
};

export type StocktakeKey = keyof typeof zh;

export function st(key: StocktakeKey): string {
  return (i18n.locale === "en" ? en : zh)[key];
}

const STATUS: Record<string, StocktakeKey> = {
  counting: "statusCounting",
  recount: "statusRecount",
  submitted: "statusSubmitted",
  approved: "statusApproved",
  rejected: "statusRejected",
  cancelled: "statusCancelled",
};

export function stocktakeStatus(status: string): string {
  const k = STATUS[status];
  return k ? st(k) : status;
}

const REASONS: Record<string, StocktakeKey> = {
  no_session: "errNoSession",
  closed: "errClosed",
  not_joined: "errNotJoined",
  unknown_code: "errUnknownCode",
  outside_count: "errOutsideCount",
  not_recount: "errNotRecount",
  recount_missing: "errRecountMissing",
  lot_required: "errLotRequired",
};

/** The words of a stocktake refusal (the edge's reason code), or undefined for the till's general ones. */
export function stocktakeReason(reason: string | undefined): string | undefined {
  const k = reason ? REASONS[reason] : undefined;
  return k ? st(k) : undefined;
}
