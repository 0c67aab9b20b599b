// zh-CN first, English switchable: one typed dictionary, no i18n library. `t("key")` reads the
// current locale (a rune, so screens re-render when it changes); a missing English text is a
// type error, not a blank on screen. The choice is a display preference kept in localStorage.

import { LOCALE_KEY, type Locale, localeRef } from "./locale.ts";

export type { Locale };

const zh = {
  appTitle: "收银台",
  lane: "款台",
  cashier: "收银员",
  supervisor: "主管",
  signIn: "登录",
  signOut: "退出登录",
  cashierCode: "收银员编号",
  pin: "密码",
  openShift: "开班",
  float: "备用金",
  openShiftHint: "输入抽屉里的备用金，回车开班",
  scanOrType: "扫码，或输入条码 / 自编码 / 品名 / 拼音首字母",
  item: "商品",
  qty: "数量",
  unitPrice: "单价",
  amount: "金额",
  savings: "优惠",
  subtotal: "原价合计",
  total: "应付",
  due: "应付",
  paid: "已付",
  remaining: "还需支付",
  change: "找零",
  youSave: "本单共优惠",
  promotions: "已享促销",
  member: "会员",
  memberPhone: "会员手机号",
  coupon: "优惠券",
  couponCode: "券码",
  emptyCart: "请扫描商品",
  weight: "重量",
  stable: "稳定",
  unstable: "不稳定",
  noScale: "无秤",
  pay: "结账",
  cash: "现金",
  card: "银行卡",
  wechat: "微信支付",
  alipay: "支付宝",
  voucher: "购物券",
  received: "实收",
  approvalCode: "授权码",
  paymentCode: "付款码",
  scanPaymentCode: "请扫描顾客的付款码",
  waitingPayment: "等待顾客确认支付…",
  approved: "支付成功",
  declined: "支付失败",
  queryAgain: "再次查询",
  exact: "刚好",
  splitHint: "可分多种方式支付：输入金额少于应付即为部分支付",
  saleDone: "交易完成",
  receiptNo: "小票号",
  reprint: "重打小票",
  printed: "小票已打印",
  printFailed: "小票打印失败",
  printUncertain: "可能已打印",
  printUncertainHint: "打印机在确认前断开，请看打印机上是否有这张小票",
  printUncertainPrinted: "已打印",
  printUncertainReprint: "重印",
  newSale: "下一位顾客",
  voidLine: "删除商品",
  voidSale: "整单取消",
  override: "改价",
  newPrice: "新单价",
  reason: "原因",
  suspend: "挂单",
  recall: "取单",
  suspendRecall: "挂单/取单",
  suspendedCarts: "已挂起的订单",
  noSuspended: "没有挂起的订单",
  lines: "行",
  returns: "退货",
  returnByReceipt: "扫描或输入原小票号",
  returnNoReceipt: "无小票退货（需主管）",
  returnUnits: "退回数量",
  returnable: "可退",
  alreadyReturned: "已退",
  refund: "退款",
  refundTo: "退款方式",
  completeReturn: "确认退款",
  cancelReturn: "取消退货",
  returnMode: "退货模式",
  stock: "查库存",
  onHand: "本店库存",
  replenishment: "补货状态",
  nearbyStores: "附近门店库存",
  askHq: "查询附近门店",
  noNearby: "附近门店都没有库存信息",
  shiftMenu: "班次",
  cashIn: "存入现金",
  cashOut: "取出现金",
  xReport: "X 报表",
  closeShift: "交班结账",
  countDrawer: "按面额清点现金",
  counted: "清点合计",
  expected: "应有现金",
  over: "长款",
  short: "短款",
  even: "无差异",
  overShort: "长短款",
  sales: "销售",
  count: "笔数",
  net: "净额",
  byTender: "按支付方式",
  training: "培训模式",
  trainingOn: "开启培训模式",
  trainingOff: "关闭培训模式",
  trainingBanner: "培训模式 · 不计入销售、不动库存",
  language: "English",
  help: "帮助",
  keys: "快捷键",
  confirm: "确定",
  cancel: "取消",
  close: "关闭",
  back: "返回",
  search: "查找",
  results: "查找结果",
  noResults: "没有找到商品",
  hqOnline: "总部已连接",
  hqOffline: "总部离线",
  hqConnecting: "正在连接总部",
  hqDisabled: "未注册总部",
  backlog: "待上传",
  catalog: "商品目录",
  catalogSyncing: "目录同步中",
  laneLive: "款台在线",
  laneDown: "与门店服务器断开，正在重连…",
  printerPaperOut: "打印机缺纸，请更换纸卷",
  printerOffline: "打印机离线",
  printerCoverOpen: "打印机盖未关",
  deviceUnplugged: "设备未连接",
  deviceError: "设备故障",
  scanner: "扫码枪",
  scale: "电子秤",
  printer: "小票打印机",
  drawer: "钱箱",
  display: "顾客显示屏",
  customerWelcome: "欢迎光临",
  customerThanks: "谢谢惠顾，欢迎再来",
  pleasePay: "请支付",
  supervisorNeeded: "需要主管授权",
  supervisorCode: "主管编号",
  denomination: "面额",
  pieces: "张/枚",
  openDrawer: "开钱箱",
  scaleZero: "秤清零",
  shiftOpenSince: "开班于",
  loading: "加载中…",
  by: "按",
  zReport: "Z 报表",
  lineVoids: "删除商品次数",
  saleVoids: "整单取消次数",
  voidAmount: "取消金额",
  discountedSales: "优惠笔数",
  refunds: "退款笔数",
  printReport: "打印报表",
  printView: "打印预览",
  xPrinted: "X 报表已打印",
  devices: "设备",
  simScale: "模拟电子秤（演示）",
  weightKg: "重量（公斤）",
  putOnScale: "放上秤",
  stableReading: "读数稳定",
  simNote: "本款台的设备是模拟器：可以在这里设置秤的读数",
  state_ready: "正常",
  state_connected: "已连接",
  state_error: "故障",
  state_absent: "未连接",
  refundPreview: "将退款",
  skuCode: "商品编码",
  switchLanguage: "切换到英文",
  repl_none: "无补货",
  repl_suggested: "建议补货",
  repl_ordered: "已下单",
  repl_in_transit: "在途",
  repl_received: "已到货",
  perKg: "/公斤",
  km: "公里",
  // Supervisor approvals, refunds to the original tender, PIN unlock (store-edge verifyPin).
  supervisorApprove: "主管授权",
  unlockCode: "主管解锁工号",
  unlockNote: "工号因密码错误次数过多被锁定，请主管输入编号和密码解锁",
  codeUnlocked: "工号已解锁，请重新输入密码",
  noSale: "开钱箱（无交易）",
  noSaleNote: "不做交易打开钱箱需要主管授权，并上报总部",
  drawerOpened: "钱箱已打开",
  cashOutNote: "大额取出现金需要主管授权",
  refundOriginal: "原路退回",
  paidWith: "原付款方式",
  refundCashNote: "原交易不是现金支付，改退现金需要主管授权，并上报总部",
  refundedTo: "退回到",
  reversePayment: "撤销支付",
  reversedClosed: "已撤销：顾客未付款，请换一种方式付款",
  reversedRefunded: "已撤销：已付的钱原路退回顾客，请换一种方式付款",
  // The store's database came back restored or replaced (store-edge outbox/resync.ts).
  resyncPill: "数据已与总部对齐",
  resyncTitle:
    "本机数据库曾从备份恢复或更换：总部已核对，新单据排在总部已收单据之后。请店长在总部门店告警中核实。",
} as const;

export type MessageKey = keyof typeof zh;
type Dict = Record<MessageKey, string>;

const en: Dict = {
  appTitle: "Checkout",
  lane: "Lane",
  cashier: "Cashier",
  supervisor: "Supervisor",
  signIn: "Sign in",
  signOut: "Sign out",
  cashierCode: "Cashier code",
  pin: "PIN",
  openShift: "Open shift",
  float: "Float",
  openShiftHint: "Enter the float in the drawer, then Enter",
  scanOrType: "Scan, or type barcode / PLU / name / pinyin initials",
  item: "Item",
  qty: "Qty",
  unitPrice: "Price",
  amount: "Amount",
  savings: "Savings",
  subtotal: "Subtotal",
  total: "Total",
  due: "Due",
  paid: "Paid",
  remaining: "Left to pay",
  change: "Change",
  youSave: "You save",
  promotions: "Promotions",
  member: "Member",
  memberPhone: "Member phone",
  coupon: "Coupon",
  couponCode: "Coupon code",
  emptyCart: "Scan an item",
  weight: "Weight",
  stable: "stable",
  unstable: "unstable",
  noScale: "no scale",
  pay: "Pay",
  cash: "Cash",
  card: "Card",
  wechat: "WeChat Pay",
  alipay: "Alipay",
  voucher: "Voucher",
  received: "Received",
  approvalCode: "Approval code",
  paymentCode: "Payment code",
  scanPaymentCode: "Scan the customer's payment code",
  waitingPayment: "Waiting for the customer to confirm…",
  approved: "Approved",
  declined: "Declined",
  queryAgain: "Query again",
  exact: "Exact",
  splitHint: "Split tenders: an amount below what is due pays part",
  saleDone: "Sale complete",
  receiptNo: "Receipt",
  reprint: "Reprint",
  printed: "Receipt printed",
  printFailed: "Receipt did not print",
  printUncertain: "may have printed",
  printUncertainHint: "the printer disconnected before confirming: check whether this receipt came out",
  printUncertainPrinted: "It printed",
  printUncertainReprint: "Reprint",
  newSale: "Next customer",
  voidLine: "Void line",
  voidSale: "Void sale",
  override: "Price override",
  newPrice: "New unit price",
  reason: "Reason",
  suspend: "Suspend",
  recall: "Recall",
  suspendRecall: "Suspend/recall",
  suspendedCarts: "Suspended carts",
  noSuspended: "No suspended carts",
  lines: "lines",
  returns: "Return",
  returnByReceipt: "Scan or type the original receipt number",
  returnNoReceipt: "Return without receipt (supervisor)",
  returnUnits: "Units back",
  returnable: "Returnable",
  alreadyReturned: "Returned",
  refund: "Refund",
  refundTo: "Refund to",
  completeReturn: "Refund",
  cancelReturn: "Cancel return",
  returnMode: "Return",
  stock: "Stock",
  onHand: "On hand here",
  replenishment: "Replenishment",
  nearbyStores: "Nearby stores",
  askHq: "Ask nearby stores",
  noNearby: "No nearby store reports stock",
  shiftMenu: "Shift",
  cashIn: "Cash in",
  cashOut: "Cash out",
  xReport: "X report",
  closeShift: "Close shift",
  countDrawer: "Count the drawer by denomination",
  counted: "Counted",
  expected: "Expected",
  over: "Over",
  short: "Short",
  even: "Even",
  overShort: "Over/short",
  sales: "Sales",
  count: "Count",
  net: "Net",
  byTender: "By tender",
  training: "Training",
  trainingOn: "Training mode on",
  trainingOff: "Training mode off",
  trainingBanner: "TRAINING · no sales, no stock moved",
  language: "中文",
  help: "Help",
  keys: "Keys",
  confirm: "OK",
  cancel: "Cancel",
  close: "Close",
  back: "Back",
  search: "Search",
  results: "Results",
  noResults: "No product found",
  hqOnline: "HQ online",
  hqOffline: "HQ offline",
  hqConnecting: "Connecting to HQ",
  hqDisabled: "Not enrolled",
  backlog: "Unsent",
  catalog: "Catalog",
  catalogSyncing: "Catalog syncing",
  laneLive: "Lane live",
  laneDown: "Lost the store server, reconnecting…",
  printerPaperOut: "Printer out of paper: change the roll",
  printerOffline: "Printer offline",
  printerCoverOpen: "Printer cover open",
  deviceUnplugged: "Device unplugged",
  deviceError: "Device error",
  scanner: "Scanner",
  scale: "Scale",
  printer: "Printer",
  drawer: "Cash drawer",
  display: "Customer display",
  customerWelcome: "Welcome",
  customerThanks: "Thank you, see you again",
  pleasePay: "Please pay",
  supervisorNeeded: "Supervisor approval needed",
  supervisorCode: "Supervisor code",
  denomination: "Denomination",
  pieces: "Pieces",
  openDrawer: "Open drawer",
  scaleZero: "Zero scale",
  shiftOpenSince: "Shift since",
  loading: "Loading…",
  by: "by",
  zReport: "Z report",
  lineVoids: "Lines voided",
  saleVoids: "Sales voided",
  voidAmount: "Voided amount",
  discountedSales: "Discounted sales",
  refunds: "Refunds",
  printReport: "Print report",
  printView: "Print view",
  xPrinted: "X report printed",
  devices: "Devices",
  simScale: "Simulated scale (demo)",
  weightKg: "Weight (kg)",
  putOnScale: "Put on scale",
  stableReading: "Stable reading",
  simNote: "This lane's devices are simulators: set the scale's reading here",
  state_ready: "ready",
  state_connected: "connected",
  state_error: "error",
  state_absent: "unplugged",
  refundPreview: "Refund due",
  skuCode: "SKU",
  switchLanguage: "Switch to Chinese",
  repl_none: "none",
  repl_suggested: "suggested",
  repl_ordered: "ordered",
  repl_in_transit: "in transit",
  repl_received: "received",
  perKg: "/kg",
  km: "km",
  supervisorApprove: "Approve",
  unlockCode: "Supervisor unlock",
  unlockNote:
    "This code is locked after too many wrong PINs: a supervisor unlocks it with their code and PIN",
  codeUnlocked: "Code unlocked: enter the PIN again",
  noSale: "No-sale (open drawer)",
  noSaleNote: "Opening the drawer without a sale needs a supervisor and is reported to HQ",
  drawerOpened: "Drawer opened",
  cashOutNote: "A large cash-out needs a supervisor",
  refundOriginal: "Back to original",
  paidWith: "Paid with",
  refundCashNote: "The sale was not paid in cash: a cash refund needs a supervisor and is reported to HQ",
  refundedTo: "Refunded to",
  reversePayment: "Reverse payment",
  reversedClosed: "Reversed: the customer was not charged; take another tender",
  reversedRefunded: "Reversed: the charge goes back to the customer; take another tender",
  resyncPill: "Re-aligned with HQ",
  resyncTitle:
    "This store's database was restored from a backup or replaced: HQ checked it and new receipts are numbered after what HQ holds. The store manager should check HQ's alert.",
};

const dicts: Record<Locale, Dict> = { "zh-CN": zh, en };

/** The reactive locale the screens read; `localeRef` (plain) mirrors it for non-component code. */
export const i18n = $state({ locale: localeRef.value });

export function t(key: MessageKey): string {
  return dicts[i18n.locale][key];
}

export function setLocale(l: Locale): void {
  i18n.locale = l;
  localeRef.value = l;
  try {
    globalThis.localStorage?.setItem(LOCALE_KEY, l);
  } catch {
    // ignore
  }
  if (typeof document !== "undefined") document.documentElement.lang = l;
}

const PROMOTION_KIND: Record<string, [zh: string, en: string]> = {
  percent_off: ["折扣", "Percent off"],
  special_price: ["特价", "Special price"],
  member_price: ["会员价", "Member price"],
  multi_buy: ["多买优惠", "Multi-buy"],
  buy_x_get_y: ["买赠", "Buy X get Y"],
  threshold: ["满减", "Spend and save"],
  threshold_percent: ["满折", "Spend and save %"],
};

/**
 * A promotion's name in the current language; without one (HQ did not name it) its kind in
 * the current language ("多买优惠"), never the id's English letters in zh-CN.
 */
export function promotionName(
  id: string,
  promotions: Record<string, { name?: string; nameEn?: string; kind?: string }> | undefined,
): string {
  const p = promotions?.[id];
  const en = i18n.locale === "en";
  const named = en ? (p?.nameEn ?? p?.name) : (p?.name ?? p?.nameEn);
  if (named) return named;
  const kind = p?.kind ? PROMOTION_KIND[p.kind] : undefined;
  if (kind) return kind[en ? 1 : 0];
  return en ? id : "促销优惠";
}

const TIER: Record<string, [zh: string, en: string]> = {
  regular: ["普通会员", "Regular"],
  normal: ["普通会员", "Regular"],
  standard: ["普通会员", "Regular"],
  silver: ["银卡会员", "Silver"],
  gold: ["金卡会员", "Gold"],
  platinum: ["白金会员", "Platinum"],
  diamond: ["钻石会员", "Diamond"],
  vip: ["VIP 会员", "VIP"],
  staff: ["员工", "Staff"],
};

/** A member tier as HQ codes it ("gold") in the current language; an unknown code as 会员. */
export function tierName(tier: string): string {
  const w = TIER[tier.toLowerCase()];
  if (w) return w[i18n.locale === "en" ? 1 : 0];
  return i18n.locale === "en" ? tier : /[A-Za-z]/.test(tier) ? "会员" : tier;
}

const MATCHED: Record<string, [zh: string, en: string]> = {
  barcode: ["条码", "barcode"],
  sku: ["商品编码", "SKU"],
  plu: ["自编码", "PLU"],
  pinyin: ["拼音", "pinyin"],
  name: ["品名", "name"],
};

/** How a search hit matched ("pinyin" -> 拼音). */
export function matchName(matched: string): string {
  const w = MATCHED[matched];
  return w ? w[i18n.locale === "en" ? 1 : 0] : matched;
}

/** A replenishment status from HQ ("in_transit" -> 在途). */
export function replenishmentName(status: string): string {
  const key = `repl_${status}` as MessageKey;
  return key in zh ? t(key) : status;
}

/** Extra words from the edge or a device (English): shown in the English mode only. */
export function englishOnly(text: string | undefined): string {
  return i18n.locale === "en" ? (text ?? "") : "";
}

/** A device state ("absent" -> 未连接). */
export function deviceState(state: string): string {
  const key = `state_${state}` as MessageKey;
  return key in zh ? t(key) : state;
}

export function toggleLocale(): void {
  setLocale(i18n.locale === "zh-CN" ? "en" : "zh-CN");
}

export function tenderName(kind: string): string {
  return kind in zh ? t(kind as MessageKey) : kind;
}
