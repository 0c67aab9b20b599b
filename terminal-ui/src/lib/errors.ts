// Edge errors in plain words for the cashier. The edge names a code and the field at fault;
// the common ones get a sentence in the cashier's language. The edge's own message is English:
// it shows in small type in the English mode only; in zh-CN the small type names the field at
// fault in Chinese (the message stays in data-detail for support). A typed amount that is not one
// (money.ts AmountError) says which field and what is wrong with it.
import { ApiError } from "./api.ts";
import { localeRef } from "./locale.ts";
import { type AmountError, type AmountProblem, formatFen } from "./money.ts";

type Words = [zh: string, en: string];

const BY_FIELD: Record<string, Words> = {
  "not_found:code": ["条码未找到，没有添加商品", "Unknown barcode: nothing was added"],
  "invalid:code": ["无法识别此条码", "This code cannot be read"],
  "not_found:sku": ["没有这个商品", "No such product"],
  "conflict:sku": ["该商品暂不能销售", "This item cannot be sold now"],
  "conflict:weight": [
    "请把商品放上秤，等待读数稳定",
    "Put the item on the scale and wait for a stable weight",
  ],
  "forbidden:pin": ["密码错误", "Wrong PIN"],
  "forbidden:attempts": ["密码错误次数过多，请 5 分钟后再试", "Too many wrong PINs: try again in 5 minutes"],
  "forbidden:cashierId": ["收银员编号不存在或已停用", "No active cashier with this code"],
  "forbidden:supervisorId": ["需要有效的主管编号", "A valid supervisor code is needed"],
  "invalid:pin": ["密码为 4-8 位数字", "The PIN is 4-8 digits"],
  "invalid:cashierId": ["收银员编号为 3-8 位数字", "The cashier code is 3-8 digits"],
  "invalid:supervisorId": ["主管编号为 3-8 位数字", "The supervisor code is 3-8 digits"],
  "conflict:cashierId": ["本款台还有其他收银员未交班", "Another cashier has an open shift on this lane"],
  "conflict:shift": ["请先开班", "Open a shift first"],
  "conflict:cashier": ["请先登录", "Sign in first"],
  "not_found:phone": ["没有这个手机号的会员", "No member with this phone"],
  "invalid:phone": ["请输入 11 位手机号", "Enter an 11-digit mobile number"],
  "conflict:phone": ["这个手机号已经是会员，请直接查找会员", "This phone is a member already: look them up"],
  "not_found:memberCode": ["没有这个会员码的会员", "No member with this member code"],
  "invalid:memberCode": ["无法识别此会员码", "This member code cannot be read"],
  "invalid:membershipWording": ["请让顾客同意会员协议", "The customer must agree to the membership terms"],
  "not_found:receiptNo": ["本店没有这张小票", "No sale with this receipt number in this store"],
  "not_found:paymentId": ["没有这笔支付", "No such payment"],
  "payment_declined:code": ["支付被拒绝", "Payment declined"],
  "payment_pending:paymentId": [
    "支付结果未知：请让顾客看手机，然后再次查询",
    "No answer yet: check the customer's phone, then query again",
  ],
  "invalid:approvalCode": ["授权码为 4-12 位字母或数字", "The approval code is 4-12 letters or digits"],
  "invalid:received": ["请输入收到的金额", "Enter the amount received"],
  "conflict:tenders": ["已开始付款，不能再修改商品", "Payment has started: the basket cannot change"],
  "conflict:cart": ["请先完成或挂起当前交易", "Finish or suspend the current sale first"],
  "conflict:lane": ["正在等待支付结果", "A payment is in progress"],
  "conflict:mode": ["当前为退货模式", "A return is in progress"],
  "not_found:suspendId": ["找不到这张挂单", "No such suspended cart"],
  "too_many_attempts:hq": [
    "本款台向总部查询太频繁，已暂停片刻：请稍等几秒再试（其他款台不受影响）",
    "This till asked HQ too often: wait a few seconds and try again (other tills are not affected)",
  ],
  "too_many_attempts:source": [
    "这台设备输错密码次数过多，已暂停验证密码：请稍后再试，或请主管在其他款台处理",
    "Too many wrong PINs from this device: try again later, or ask a supervisor at another till",
  ],
  "invalid:tender": ["原交易没有用这种方式付款，不能退到这里", "The sale was not paid this way"],
  "payment_declined:tender": ["支付平台拒绝了退款", "The payment provider refused the refund"],
  "payment_pending:tender": [
    "退款结果未知：请再次确认退款（同一退款单号，不会重复退款）",
    "No answer to the refund yet: confirm again (same refund number, never refunded twice)",
  ],
  "conflict:refund": [
    "退款已发给支付平台，本次退货不能再修改或取消：请按原样再次确认退款（不会重复退款）",
    "A refund was already sent to the provider: confirm the return again as it is (never refunded twice)",
  ],
};

/** Why the edge refused a coupon (store-edge coupons/coupons.ts CouponReason). */
const COUPON: Record<string, Words> = {
  unknown: ["没有这张优惠券，请核对券码", "No such coupon: check the code"],
  void: ["此优惠券已被总部作废", "This coupon was cancelled by HQ"],
  expired: ["此优惠券已过期", "This coupon has expired"],
  spent: ["此优惠券已使用过", "This coupon has already been used"],
  member: [
    "此优惠券属于其他会员，请先登记券的会员",
    "This coupon belongs to another member: add that member first",
  ],
  not_qualified: [
    "本单不满足此券的使用条件（金额或商品不够）",
    "The basket does not qualify for this coupon (amount or items)",
  ],
  same_promotion: ["本单已有同一活动的优惠券", "A coupon of the same promotion is already in this sale"],
};

/** The fields a cashier types or the edge names, for the zh-CN small type. */
const FIELD: Record<string, Words> = {
  code: ["条码", "code"],
  coupon: ["优惠券", "coupon"],
  sku: ["商品", "item"],
  qty: ["数量", "quantity"],
  weight: ["重量", "weight"],
  grams: ["重量", "weight"],
  pin: ["密码", "PIN"],
  cashierId: ["收银员编号", "cashier code"],
  supervisorId: ["主管编号", "supervisor code"],
  phone: ["手机号", "phone"],
  receiptNo: ["小票号", "receipt number"],
  float: ["备用金", "float"],
  received: ["实收金额", "amount received"],
  amount: ["金额", "amount"],
  price: ["单价", "price"],
  approvalCode: ["授权码", "approval code"],
  paymentId: ["支付", "payment"],
  tender: ["退款方式", "refund tender"],
  tenders: ["付款", "payments"],
  lines: ["退货商品", "return lines"],
  units: ["退回数量", "units back"],
  denominations: ["清点数量", "count"],
  reason: ["原因", "reason"],
  shift: ["班次", "shift"],
  cart: ["当前交易", "current sale"],
  lane: ["款台", "lane"],
  mode: ["退货", "return"],
  suspendId: ["挂单", "suspended cart"],
  printer: ["打印机", "printer"],
  scale: ["电子秤", "scale"],
  stable: ["读数稳定", "stable"],
  direction: ["存入/取出", "in/out"],
  storage: ["门店服务器磁盘", "store server disk"],
};

// What is wrong with a typed number: yuan (2 places), kilograms (3) or a whole quantity (0).
const AMOUNT: Record<AmountProblem, (places: number) => Words> = {
  empty: () => ["不能为空", "cannot be empty"],
  not_number: (p) => {
    const eg = p === 3 ? "0.750" : p === 0 ? "3" : "12.34";
    return p === 0
      ? [`只能输入数字，例如 ${eg}`, `digits only, e.g. ${eg}`]
      : [`只能输入数字和小数点，例如 ${eg}`, `digits and one decimal point only, e.g. ${eg}`];
  },
  decimals: (p) =>
    p === 3
      ? ["最多三位小数（精确到克）", "at most three decimals (grams)"]
      : p === 0
        ? ["只能输入整数", "whole numbers only"]
        : ["最多两位小数（精确到分）", "at most two decimals (fen)"],
  negative: () => ["不能为负数", "cannot be negative"],
  too_large: (p) =>
    p === 2
      ? [`金额太大：最多 ${formatFen(99999999999)}`, `too large: at most ${formatFen(99999999999)}`]
      : ["数值太大", "too large"],
  zero: () => ["必须大于 0", "must be more than 0"],
};

const BY_CODE: Record<string, Words> = {
  // The edge's disk (health/storage.ts): the sale was not saved, the basket stays on the till.
  storage_full: [
    "门店服务器磁盘已满，无法保存交易，请联系店长。本单未完成，商品已保留，腾出空间后可继续结账",
    "The store server's disk is full: the sale was not saved. Call the manager; the basket is kept and can be paid once space is freed",
  ],
  storage_error: [
    "门店服务器无法写入磁盘，无法保存交易，请联系店长。本单未完成，商品已保留",
    "The store server cannot write to its disk: the sale was not saved. Call the manager; the basket is kept",
  ],
  invalid: ["输入有误", "Check the input"],
  not_found: ["没有找到", "Not found"],
  conflict: ["现在不能这样操作", "Not possible right now"],
  forbidden: ["没有权限", "Not allowed"],
  unavailable: ["总部暂时联系不上", "HQ cannot be reached right now"],
  payment_declined: ["支付被拒绝", "Payment declined"],
  payment_pending: ["支付结果未知", "Payment result not known yet"],
  too_many_attempts: ["尝试次数过多，请稍后再试", "Too many attempts: try again later"],
  network: ["连不上门店服务器，请检查网线", "The store server cannot be reached: check the cable"],
  unauthorized: ["会话已过期，请重新登录", "Your session has ended: please sign in again"],
  internal: ["门店服务器出错", "The store server failed"],
};

export interface PlainError {
  title: string;
  detail: string;
  field: string;
  code: string;
  /** The edge's own (English) message, kept for support in data-detail, never shown in zh-CN. */
  raw?: string;
}

export function plain(e: unknown): PlainError {
  const zh = localeRef.value === "zh-CN";
  const say = (w: Words) => w[zh ? 0 : 1];
  if (e instanceof ApiError) {
    const w =
      (e.field === "coupon" && e.reason ? COUPON[e.reason] : undefined) ??
      BY_FIELD[`${e.code}:${e.field}`] ??
      BY_CODE[e.code];
    // The edge's message is English: the title only in English, the field's name in zh-CN.
    const title = w ? say(w) : zh ? "门店服务器拒绝了这个操作" : e.message;
    const field = fieldName(e.field);
    const detail = zh ? (field ? `${say(["相关项目", "field"])}：${field}` : "") : e.message;
    return { title, detail, field: e.field, code: e.code, raw: e.message };
  }
  if (isAmountError(e)) {
    const field = fieldName(e.field) || say(FIELD.amount!);
    const what = say(AMOUNT[e.problem](e.places));
    const typed = e.typed.trim();
    return {
      title: zh ? `${field}：${what}` : `${field}: ${what}`,
      detail: typed ? (zh ? `输入的是 “${typed}”` : `typed "${typed}"`) : "",
      field: e.field,
      code: "invalid",
      raw: e.message,
    };
  }
  const message = e instanceof Error ? e.message : String(e);
  return {
    title: zh ? "出错了" : "Something went wrong",
    detail: zh ? "" : message,
    field: "",
    code: "internal",
    raw: message,
  };
}

function isAmountError(e: unknown): e is AmountError {
  return e instanceof Error && e.name === "AmountError";
}

/** "lines.0.units" -> 退回数量 (zh-CN) / units back; "" when the field means nothing to a cashier. */
function fieldName(field: string): string {
  const zh = localeRef.value === "zh-CN";
  const parts = field.split(".").filter((p) => !/^\d+$/.test(p));
  for (let i = parts.length - 1; i >= 0; i--) {
    const w = FIELD[parts[i]!];
    if (w) return w[zh ? 0 : 1];
  }
  return "";
}

/** The edge refused for want of a supervisor (the till then asks for one and tries again). */
export function asksSupervisor(e: unknown): boolean {
  return e instanceof ApiError && e.code === "forbidden" && e.field === "supervisorId";
}

/** For WebSocket error messages (same code/field shape, no HTTP status). */
export function plainFromMessage(m: { code: string; field: string; message: string }): PlainError {
  return plain(new ApiError(0, m.code, m.field, m.message));
}
