// The edge's refusals in the cashier's words: the per-lane limit on questions to HQ
// (store-edge supply/rate-limit.ts) reads as a plain zh-CN sentence, not the edge's English.
import { afterEach, expect, test } from "bun:test";
import { ApiError } from "./api.ts";
import { plain } from "./errors.ts";
import { localeRef } from "./locale.ts";

afterEach(() => {
  localeRef.value = "zh-CN";
});

test("a till over its limit of questions to HQ: told in zh-CN to wait, the English kept for support", () => {
  localeRef.value = "zh-CN";
  const e = new ApiError(
    429,
    "too_many_attempts",
    "hq",
    "hq: terminal 10.0.0.7 asked HQ too often: try again in 3 s",
  );
  const p = plain(e);
  expect(p.title).toBe("本款台向总部查询太频繁，已暂停片刻：请稍等几秒再试（其他款台不受影响）");
  expect(p.title).not.toContain("HQ");
  expect(p).toMatchObject({ code: "too_many_attempts", field: "hq" });
  expect(p.raw).toContain("try again in 3 s");
  localeRef.value = "en";
  expect(plain(e).title).toContain("asked HQ too often");
});
