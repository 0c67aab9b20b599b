// Edge errors in plain words for the cashier. The edge names a code and the field at fault;
// the common ones get a sentence in the cashier's language, anything else shows the edge's
// own message (it is written for people too) under a short heading.
import { ApiError } from "./api.ts";
import { localeRef } from "./locale.ts";

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
};

const BY_CODE: Record<string, Words> = {
  invalid: ["输入有误", "Check the input"],
  not_found: ["没有找到", "Not found"],
  conflict: ["现在不能这样操作", "Not possible right now"],
  forbidden: ["没有权限", "Not allowed"],
  unavailable: ["总部暂时联系不上", "HQ cannot be reached right now"],
  payment_declined: ["支付被拒绝", "Payment declined"],
  payment_pending: ["支付结果未知", "Payment result not known yet"],
  network: ["连不上门店服务器，请检查网线", "The store server cannot be reached: check the cable"],
  unauthorized: ["会话已过期，请重新登录", "Your session has ended: please sign in again"],
  internal: ["门店服务器出错", "The store server failed"],
};

export interface PlainError {
  title: string;
  detail: string;
  field: string;
  code: string;
}

export function plain(e: unknown): PlainError {
  const zh = localeRef.value === "zh-CN";
  if (e instanceof ApiError) {
    const w = BY_FIELD[`${e.code}:${e.field}`] ?? BY_CODE[e.code];
    const title = w ? w[zh ? 0 : 1] : e.message;
    return { title, detail: e.message, field: e.field, code: e.code };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { title: zh ? "出错了" : "Something went wrong", detail: message, field: "", code: "internal" };
}

/** For WebSocket error messages (same code/field shape, no HTTP status). */
export function plainFromMessage(m: { code: string; field: string; message: string }): PlainError {
  return plain(new ApiError(0, m.code, m.field, m.message));
}
