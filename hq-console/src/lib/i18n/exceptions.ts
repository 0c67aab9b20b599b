// The exceptions screen (数据异常: dead letters, event conflicts, price audit, coupon double uses): zh-CN first, English beside it. Pure data, merged into the console's one
// dictionary by index.ts; a missing English text is a type error.

export const zh = {
  deadLetters: "死信",
  conflicts: "冲突",
  priceFindings: "价格稽核",
  topic: "主题",
  received: "接收时间",
  raw: "原始内容",
  replay: "重放",
  discard: "丢弃",
  inspect: "查看",
  couponConflicts: "优惠券重复使用",
  couponConflictNote:
    "一次性优惠券在两笔交易中被使用（通常是两家门店离线时）。两笔交易都已入账；请核实后处理。",
  resolveConflict: "已处理",
  firstSale: "首次使用",
  secondSale: "再次使用",
  eventConflictNote:
    "门店的事件与总部已入账的另一事件同序号（或同编号）但内容不同，例如有人用门店凭据伪造了交易。门店的这条事件暂不视为已送达，直到有人处理。",
  conflictOpen: "待处理",
  conflictResolved: "已处理",
  sameSeqOtherEvent: "同序号的另一事件",
  sameIdOtherContent: "同编号、内容不同",
  committedVersion: "总部已入账的版本",
  incomingVersion: "门店发来的版本",
  committedReplaced: "已入账版本已被另一次处理替换",
  take_store: "采用门店版本",
  keep_hq: "保留总部版本",
  keep_both: "两者都保留",
  conflictChoicesNote:
    "采用门店版本：撤销已入账版本的库存、销售、明细、支付和积分，改记门店版本。保留总部版本：丢弃门店版本。两者都保留：门店版本以新的单据编号另行入账。每次处理都会记录操作人和时间，并通知门店。",
} as const;

export const en: Record<keyof typeof zh, string> = {
  deadLetters: "Dead letters",
  conflicts: "Conflicts",
  priceFindings: "Price audit",
  topic: "Topic",
  received: "Received",
  raw: "Raw",
  replay: "Replay",
  discard: "Discard",
  inspect: "Inspect",
  couponConflicts: "Coupon double uses",
  couponConflictNote:
    "A one-time coupon was used by two sales (usually two stores offline). Both sales stand; check and close.",
  resolveConflict: "Dealt with",
  firstSale: "First use",
  secondSale: "Second use",
  eventConflictNote:
    "A store's event clashes with another event HQ already committed under the same seq (or id) with other content, for example a sale forged with the store's credentials. The store's event does not count as delivered until someone decides.",
  conflictOpen: "Open",
  conflictResolved: "Resolved",
  sameSeqOtherEvent: "Another event at this seq",
  sameIdOtherContent: "Same id, other content",
  committedVersion: "Committed at HQ",
  incomingVersion: "Sent by the store",
  committedReplaced: "The committed version was replaced by another resolution",
  take_store: "Take the store's",
  keep_hq: "Keep HQ's",
  keep_both: "Keep both",
  conflictChoicesNote:
    "Take the store's: the committed version's stock, sales, lines, tenders and points are reversed and the store's version applied. Keep HQ's: the store's version is discarded. Keep both: the store's version is applied as its own document under a new number. Every decision is recorded with who and when, and the store is told.",
};
