// The member desk's words (sign-up, member code), zh-CN first. The consent wordings are what the
// customer is shown and agrees to: the very text goes to HQ with the sign-up, so changing a
// wording here changes what is recorded from then on.
import { i18n } from "./i18n.svelte.ts";

const zh = {
  phoneOrCode: "会员手机号或会员码（可扫码）",
  signUp: "新会员注册",
  signUpTitle: "新会员注册",
  name: "姓名（可不填）",
  phone: "手机号",
  membershipAgreed: "顾客已阅读并同意：",
  marketingAgreed: "顾客同意接收优惠信息（可不选）：",
  membershipWording:
    "我已阅读并同意《会员服务协议》和《隐私政策》，同意门店记录我的手机号和消费记录用于积分和会员服务。",
  marketingWording: "我同意接收会员优惠信息（短信、小程序推送），可随时在门店或小程序撤回。",
  register: "注册并登记到本单",
  consentNeeded: "请让顾客同意会员协议后再注册",
  back: "返回查找",
};
const en: Record<keyof typeof zh, string> = {
  phoneOrCode: "Member phone or member code (scan it)",
  signUp: "New member sign-up",
  signUpTitle: "New member sign-up",
  name: "Name (optional)",
  phone: "Mobile number",
  membershipAgreed: "The customer read and agrees to:",
  marketingAgreed: "The customer agrees to receive offers (optional):",
  membershipWording: zh.membershipWording,
  marketingWording: zh.marketingWording,
  register: "Sign up and add to this sale",
  consentNeeded: "The customer must agree to the membership terms first",
  back: "Back to look-up",
};

export type MemberKey = keyof typeof zh;

/** A member desk string in the terminal's language (the wordings stay as the customer reads them). */
export function mt(key: MemberKey): string {
  return (i18n.locale === "en" ? en : zh)[key];
}
