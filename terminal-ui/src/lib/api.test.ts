import { describe, expect, test } from "bun:test";
import { ApiError, EdgeApi, LaneSocket } from "./api.ts";
import { plain } from "./errors.ts";
import { localeRef } from "./locale.ts";
import { AmountError } from "./money.ts";

type Call = { url: string; init?: RequestInit };

function fake(status: number, body: unknown, calls: Call[] = []) {
  return new EdgeApi("http://edge", async (url, init) => {
    calls.push({ url, ...(init ? { init } : {}) });
    return new Response(JSON.stringify(body), { status });
  });
}

describe("edge client", () => {
  test("sends JSON to the lane's route and returns the answer", async () => {
    const calls: Call[] = [];
    const api = fake(200, { lane: "1" }, calls);
    await api.tenderCash("1", 5000);
    expect(calls[0]!.url).toBe("http://edge/api/v1/lanes/1/tenders");
    expect(calls[0]!.init?.method).toBe("POST");
    expect(JSON.parse(String(calls[0]!.init?.body))).toEqual({ kind: "cash", received: 5000 });
  });

  test("an edge error keeps its code, field and words", async () => {
    const api = fake(404, {
      error: "not_found",
      field: "code",
      message: "code: unknown barcode 123: nothing added",
    });
    const e = (await api.scan("1", "123").catch((x) => x)) as ApiError;
    expect(e).toBeInstanceOf(ApiError);
    expect([e.status, e.code, e.field]).toEqual([404, "not_found", "code"]);
  });

  test("a pending wallet payment (202 with an error body) is an error carrying the payment id", async () => {
    const id = "019ab8c2-1234-7abc-8def-0123456789ab";
    const api = fake(202, {
      error: "payment_pending",
      field: "paymentId",
      message: `paymentId: no answer from wechat yet: query payment ${id} again before taking another tender`,
    });
    const e = (await api.tenderWallet("1", "wechat", "134567890123457777").catch((x) => x)) as ApiError;
    expect(e.code).toBe("payment_pending");
    expect(e.pendingPaymentId).toBe(id);
  });

  test("once signed in, every call carries the session token as a bearer header", async () => {
    const calls: Call[] = [];
    const api = fake(200, { lane: "1" }, calls);
    await api.view("1");
    expect(new Headers(calls[0]!.init?.headers).get("authorization")).toBeNull();
    api.token = "tok";
    await api.scan("1", "6900000000017");
    await api.status();
    for (const c of calls.slice(1))
      expect(new Headers(c.init?.headers).get("authorization")).toBe("Bearer tok");
  });

  test("a 401 (session expired or ended) is handed to onUnauthorized and said in plain words", async () => {
    const api = fake(401, {
      error: "unauthorized",
      field: "token",
      reason: "expired",
      message: "token: the session expired after 12 h without use: sign in again",
    });
    api.token = "tok";
    const seen: ApiError[] = [];
    api.onUnauthorized = (e) => seen.push(e);
    const e = (await api.scan("1", "6900000000017").catch((x) => x)) as ApiError;
    expect(e.status).toBe(401);
    expect(seen).toEqual([e]);
    localeRef.value = "zh-CN";
    expect(plain(e).title).toBe("会话已过期，请重新登录");
    // zh-CN shows no English: the edge's words are kept for support, shown in English mode.
    expect(plain(e).detail).not.toMatch(/[A-Za-z]/);
    expect(plain(e).raw).toContain("expired");
    localeRef.value = "en";
    expect(plain(e).detail).toContain("expired");
    localeRef.value = "zh-CN";
  });

  test("the lane socket's address carries the token (browsers cannot set headers there)", () => {
    const loc = { protocol: "http:", host: "edge:8080" } as Location;
    expect(LaneSocket.urlFor("2", "a+b/c", loc)).toBe("ws://edge:8080/api/v1/lanes/2/ws?token=a%2Bb%2Fc");
  });

  test("an unreachable edge is said in plain words", async () => {
    const api = new EdgeApi("http://edge", async () => {
      throw new TypeError("fetch failed");
    });
    const e = await api.status().catch((x) => x);
    localeRef.value = "zh-CN";
    expect(plain(e).title).toContain("连不上门店服务器");
    localeRef.value = "en";
    expect(plain(e).title).toContain("store server cannot be reached");
    localeRef.value = "zh-CN";
  });

  test("errors the cashier meets most have their own sentence; others fall back to the code", () => {
    expect(plain(new ApiError(403, "forbidden", "pin", "pin: wrong PIN")).title).toBe("密码错误");
    expect(
      plain(new ApiError(409, "conflict", "weight", "weight: the scale is not stable yet")).title,
    ).toContain("秤");
    const other = plain(new ApiError(409, "conflict", "somewhere", "somewhere: odd"));
    expect(other.title).toBe("现在不能这样操作");
    expect(other.detail).toBe("");
    expect(other.raw).toBe("somewhere: odd");
    localeRef.value = "en";
    expect(plain(new ApiError(409, "conflict", "somewhere", "somewhere: odd")).detail).toBe("somewhere: odd");
    localeRef.value = "zh-CN";
  });

  test("a refused coupon says why in zh-CN (unknown, expired, spent, other member's, basket)", () => {
    localeRef.value = "zh-CN";
    const say = (code: string, reason: string) =>
      plain(new ApiError(409, code, "coupon", `coupon X: ${reason}`, reason));
    expect(say("not_found", "unknown").title).toBe("没有这张优惠券，请核对券码");
    expect(say("conflict", "expired").title).toBe("此优惠券已过期");
    expect(say("conflict", "spent").title).toBe("此优惠券已使用过");
    expect(say("conflict", "member").title).toContain("其他会员");
    expect(say("conflict", "not_qualified").title).toContain("不满足");
    for (const r of ["unknown", "expired", "spent", "member", "not_qualified", "same_promotion", "void"]) {
      const p = say("conflict", r);
      expect(`${p.title} ${p.detail}`).not.toMatch(/[A-Za-z]/);
      expect(p.title).not.toContain("条码");
    }
  });

  test("zh-CN: no English in an error, the field named in Chinese; a bad amount says what is wrong", () => {
    localeRef.value = "zh-CN";
    const phone = plain(new ApiError(400, "invalid", "phone", "phone: phone: 11 digits starting with 1"));
    expect(phone.title).toBe("请输入 11 位手机号");
    expect(phone.detail).toBe("相关项目：手机号");
    const odd = plain(new ApiError(409, "weird", "lines.3.units", "lines.3.units: only 2 left"));
    expect(`${odd.title} ${odd.detail}`).not.toMatch(/[A-Za-z]/);
    expect(odd.detail).toContain("退回数量");
    const typed = plain(new AmountError("float", "decimals", "12.345"));
    expect(typed.title).toBe("备用金：最多两位小数（精确到分）");
    expect(typed.detail).toContain("12.345");
    expect(plain(new AmountError("received", "not_number", "1e3")).title).toContain("只能输入数字");
    expect(plain(new Error("boom")).detail).toBe("");
    expect(plain(new AmountError("qty", "decimals", "2.5", 0)).title).toBe("数量：只能输入整数");
    expect(plain(new AmountError("weight", "decimals", "0.7505", 3)).title).toBe(
      "重量：最多三位小数（精确到克）",
    );
    expect(plain(new AmountError("float", "empty", "")).title).toBe("备用金：不能为空");
    localeRef.value = "en";
    expect(plain(new AmountError("received", "decimals", "12.345")).title).toBe(
      "amount received: at most two decimals (fen)",
    );
    localeRef.value = "zh-CN";
  });
});
