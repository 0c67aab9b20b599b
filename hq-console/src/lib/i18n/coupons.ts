// The coupons screen (优惠券): zh-CN first, English beside it. Pure data, merged into the console's one
// dictionary by index.ts; a missing English text is a type error.

export const zh = {
  issueCoupons: "签发优惠券",
  couponPromotion: "优惠活动",
  couponIssueMode: "发给",
  couponForAnyone: "不记名（按数量）",
  couponForMembers: "指定会员（每人一张）",
  couponCount: "数量",
  couponMembers: "会员编号（逗号或换行分隔）",
  couponValidUntil: "有效期至",
  couponsIssued: "已签发 {n} 张优惠券，已随变更集版本 {v} 下发到所有门店",
  couponCode: "券码",
  couponAnyone: "不记名",
  couponUses: "使用次数",
  couponFirstUse: "首次使用",
  couponMultiUse: "可重复使用",
  couponIssuedState: "未使用",
  couponRedeemedState: "已使用",
  couponVoidState: "已作废",
  noCouponPromotions: "没有凭券参加的优惠活动：先在变更集里建一个带券码（couponCode）的促销。",
} as const;

export const en: Record<keyof typeof zh, string> = {
  issueCoupons: "Issue coupons",
  couponPromotion: "Promotion",
  couponIssueMode: "For",
  couponForAnyone: "anyone (a number of codes)",
  couponForMembers: "members (one each)",
  couponCount: "Number",
  couponMembers: "Member ids (comma or newline separated)",
  couponValidUntil: "Valid until",
  couponsIssued: "{n} coupons issued, sent to every store with change set version {v}",
  couponCode: "Code",
  couponAnyone: "anyone",
  couponUses: "Uses",
  couponFirstUse: "First use",
  couponMultiUse: "multi-use",
  couponIssuedState: "unused",
  couponRedeemedState: "used",
  couponVoidState: "void",
  noCouponPromotions: "No promotion needs a coupon: add one with a couponCode in a change set first.",
};
