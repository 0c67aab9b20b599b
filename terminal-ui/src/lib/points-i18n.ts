// 积分抵现 at the till: the words of the points tender (zh-CN first) and the edge's points refusals
// said to the cashier (store-edge member/points.ts).
import { ApiError } from "./api.ts";
import type { PlainError } from "./errors.ts";
import { i18n } from "./i18n.svelte.ts";

const zh = {
  tender: "积分抵现",
  balance: "可用积分",
  points: "分",
  rate: "兑换比例",
  perYuan: "分 = ¥1",
  max: "本单最多抵扣",
  share: "最多抵扣应付的",
  amount: "抵扣金额（元）",
  loading: "正在读取会员积分…",
  needMember: "请先录入会员，再用积分抵现",
  off: "本店未开通积分抵现",
  min_balance: "会员积分未达到最低可用积分，不能抵现",
  no_balance: "会员积分已用完",
  paid: "本单已付清",
  shareCap: "积分抵扣已达本单上限",
  tooMuch: "超过本单最多可抵扣的金额",
  overdrawn: "会员积分不够（可能在其他款台刚用过）：请撤销积分付款，改用其他方式",
  offlineNote: "离线时按本店已知的积分余额抵扣，总部会核对",
};
const en: Record<keyof typeof zh, string> = {
  tender: "Points",
  balance: "Points available",
  points: "pts",
  rate: "Rate",
  perYuan: "pts = ¥1",
  max: "At most on this sale",
  share: "At most this share of the sale",
  amount: "Amount (yuan)",
  loading: "Reading the member's points…",
  needMember: "Add the member first to pay with points",
  off: "Points redemption is not on in this chain",
  min_balance: "The member's points are below the minimum for redemption",
  no_balance: "The member has no points left",
  paid: "Nothing is due",
  shareCap: "Points already pay the most this sale allows",
  tooMuch: "More than points may pay on this sale",
  overdrawn:
    "Not enough points (maybe just spent at another lane): void the points tender and pay another way",
  offlineNote: "Offline, the store's known balance caps it; HQ checks",
};

export type PointsKey = keyof typeof zh;

export function ptt(key: PointsKey): string {
  return (i18n.locale === "en" ? en : zh)[key];
}

/** Why points cannot pay (the edge's quote reason), in the cashier's words. */
export function refusalWords(reason: string | undefined): string {
  if (reason === "share") return ptt("shareCap");
  return reason && reason in zh ? ptt(reason as PointsKey) : ptt("shareCap");
}

/** The edge's points refusals in the cashier's words; undefined for any other error. */
export function pointsError(e: unknown): PlainError | undefined {
  if (!(e instanceof ApiError)) return undefined;
  const key = `${e.code}:${e.field}`;
  const title =
    key === "conflict:member"
      ? ptt("needMember")
      : key === "invalid:points"
        ? ptt("tooMuch")
        : key === "conflict:points"
          ? /points here/.test(e.message)
            ? ptt("overdrawn")
            : ptt("shareCap")
          : undefined;
  return title === undefined
    ? undefined
    : { title, detail: "", field: e.field, code: e.code, raw: e.message };
}
