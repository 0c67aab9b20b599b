// 积分规则 (the chain's points redemption rule) and 积分透支 (overdrawn redemptions) in zh-CN and
// English. `ptx` reads the same locale rune as `t`; a missing English text is a type error.
import { locale } from "./i18n.svelte.ts";

const zh = {
  tab: "积分规则",
  title: "积分抵现规则",
  intro:
    "会员在收银台用积分抵扣货款（积分抵现）。保存后以变更集发布到所有门店，门店离线时按已知积分余额抵扣，总部入账时核对。",
  enabled: "开通积分抵现",
  pointsPerYuan: "多少积分抵 1 元",
  maxSharePercent: "每单最多抵扣应付金额的 %",
  minBalance: "积分达到多少才能使用",
  earnOnRedeemed: "积分抵扣的部分也产生积分",
  save: "保存并发布到所有门店",
  saved: "已发布：变更集",
  version: "版本",
  example: "示例",
  exampleText: "一笔 ¥100.00 的订单最多用 {points} 分抵扣 {yuan}",
  notSet: "总部尚未设置规则：各门店不能用积分抵现",
  overdraws: "积分透支（门店离线时多用的积分）",
  noOverdraws: "没有透支记录",
  store: "门店",
  sale: "交易",
  member: "会员",
  taken: "实扣积分",
  overdrawn: "透支积分",
  amount: "抵扣金额",
  at: "时间",
  wholeNumber: "请填写整数",
};
const en: Record<keyof typeof zh, string> = {
  tab: "Points rule",
  title: "Points redemption rule",
  intro:
    "Members pay with points at the till. Saving releases the rule to every store as a change set; an offline store caps by the balance it knows, HQ checks at ingest.",
  enabled: "Points redemption on",
  pointsPerYuan: "Points per 1 yuan",
  maxSharePercent: "At most this % of a sale",
  minBalance: "Minimum balance to redeem",
  earnOnRedeemed: "The part paid with points earns points too",
  save: "Save and release to every store",
  saved: "Released: change set",
  version: "version",
  example: "Example",
  exampleText: "A ¥100.00 sale may use at most {points} points for {yuan}",
  notSet: "HQ has not set a rule: no store takes points",
  overdraws: "Overdrawn points (spent by offline stores beyond the balance)",
  noOverdraws: "No overdrawn redemptions",
  store: "Store",
  sale: "Sale",
  member: "Member",
  taken: "Points taken",
  overdrawn: "Overdrawn",
  amount: "Amount",
  at: "Time",
  wholeNumber: "Enter a whole number",
};

export type PointsKey = keyof typeof zh;

export function ptx(key: PointsKey): string {
  return locale.current === "en" ? en[key] : zh[key];
}
