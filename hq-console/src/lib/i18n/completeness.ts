// The completeness screen (完整性核对: store-day digests, month check): zh-CN first, English beside it. Pure data, merged into the console's one
// dictionary by index.ts; a missing English text is a type error.

export const zh = {
  completenessHint:
    "每个门店每个营业日上报一份日结摘要（小票数、各支付方式金额、退货、小票号清单及其哈希），总部逐张核对。",
  dayComplete: "完整",
  dayIncomplete: "不完整",
  dayPending: "传输中",
  dayNoDigest: "未收到摘要",
  dayRunning: "当日进行中",
  dayFinal: "已日结",
  missingReceipts: "总部缺少的小票",
  extraReceipts: "门店清单外的小票",
  laterReceipts: "摘要之后到达的小票",
  mismatchField: "不一致项",
  storeValue: "门店",
  hqValue: "总部",
  unlistedDigest: "摘要未附小票清单，只能核对数量和哈希",
  monthCheck: "月结核对",
  check: "核对",
  monthComplete: "本月所有门店营业日均已核对完整",
  monthProblems: "未核对完整的门店营业日",
  storeDays: "门店营业日",
  asOf: "统计时间",
  missingCount: "缺",
  extraCount: "多",
} as const;

export const en: Record<keyof typeof zh, string> = {
  completenessHint:
    "Each store sends a digest per business day (receipt count, money by tender, returns, its receipt numbers and their hash); HQ checks it receipt by receipt.",
  dayComplete: "Complete",
  dayIncomplete: "Incomplete",
  dayPending: "In transit",
  dayNoDigest: "No digest",
  dayRunning: "Day running",
  dayFinal: "Day closed",
  missingReceipts: "Receipts missing at HQ",
  extraReceipts: "Receipts not in the store's list",
  laterReceipts: "Receipts that arrived after the digest",
  mismatchField: "Differs",
  storeValue: "Store",
  hqValue: "HQ",
  unlistedDigest: "The digest carried no receipt list: only count and hash are checked",
  monthCheck: "Month-end check",
  check: "Check",
  monthComplete: "Every store-day of the month is proven complete",
  monthProblems: "Store-days not proven complete",
  storeDays: "Store-days",
  asOf: "Counted at",
  missingCount: "missing",
  extraCount: "extra",
};
