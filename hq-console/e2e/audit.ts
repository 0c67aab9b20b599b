// The audit-log screen (issue 19 item 5), driven from console.e2e.ts after the tokens case: the
// token issued and revoked on screen are in 操作日志 with who, what and the record before and
// after (the answer where the hub has no read of the record), in zh-CN words; the token's secret is nowhere on the screen; a search by folder and
// words narrows it with the hub's real total; an auditor's refused write is listed as refused.
import type { Page } from "playwright-core";
import { hubApi } from "./lib/procs.ts";

function assert(cond: unknown, what: string): asserts cond {
  if (!cond) throw new Error(`expected: ${what}`);
}

export async function auditLogFromScreen(ctx: {
  page: Page;
  http: string;
  auditorToken: string;
}): Promise<void> {
  const { page, http } = ctx;
  // A refused write to find: the auditor tries to create a change set.
  const res = await fetch(`${http}/api/v1/changesets`, {
    method: "POST",
    headers: { authorization: `Bearer ${ctx.auditorToken}`, "content-type": "application/json" },
    body: JSON.stringify({ target: { kind: "all" }, description: "审计员试图新建" }),
  });
  assert(res.status === 403, `the auditor is refused, got ${res.status}`);
  const all = await hubApi<{ total: number }>(http, "GET", "/api/v1/audit?limit=1");

  await page.getByRole("link", { name: "操作日志", exact: true }).click();
  const form = page.getByTestId("audit-form");
  await page.locator('[data-testid="audit-form"][data-loaded="true"]').waitFor();
  // The pager says the hub's total, not the page's length.
  await page
    .getByTestId("pager")
    .and(page.locator(`[data-total="${all.total}"]`))
    .waitFor();
  assert(all.total > 50, `a working day has more writes than a page: ${all.total}`);
  const pagerText = (await page.getByTestId("pager-text").textContent()) ?? "";
  assert(pagerText.includes(`共 ${all.total.toLocaleString("zh-CN")} 条`), `pager: ${pagerText}`);

  // The revoke of the token issued on screen, found by folder and words.
  await form.locator('select[name="tag"]').selectOption("tokens");
  await form.locator('input[name="q"]').fill("revoke");
  await form.getByRole("button", { name: "查询" }).click();
  const rows = page.locator('[data-testid="audit-rows"] tr[data-audit]');
  await page.getByTestId("pager").and(page.locator('[data-total="1"]')).waitFor();
  const row = rows.first();
  const text = (await row.textContent()) ?? "";
  assert(text.includes("admin") && text.includes("总部管理员"), `who, in words: ${text}`);
  assert(text.includes("提交") && text.includes("访问令牌"), `what, in words: ${text}`);
  assert(text.includes("成功"), `the outcome: ${text}`);
  await row.getByRole("button", { name: "详情" }).click();
  const before = (await page.getByTestId("audit-before").textContent()) ?? "";
  const after = (await page.getByTestId("audit-after").textContent()) ?? "";
  // The hub has no read of one token, so "before" is said to be none; "after" is the answer.
  assert(before.includes("（无）"), `before: ${before}`);
  assert(after.includes("华东区经理") && /"revokedAt": "20/.test(after), `after: ${after}`);

  // The token's creation: its secret was shown once and is not in the log.
  await form.locator('input[name="q"]').fill("华东区经理");
  await form.getByRole("button", { name: "查询" }).click();
  await page.locator('[data-testid="audit-rows"] tr[data-audit]').nth(1).waitFor();
  const created = page.locator('[data-testid="audit-rows"] tr[data-audit]').last();
  await created.getByRole("button", { name: "详情" }).click();
  const shown = (await page.getByTestId("audit-after").textContent()) ?? "";
  assert(
    shown.includes('"token": "[redacted]"') && !/hq_[A-Za-z0-9_-]{20,}/.test(shown),
    `no secret: ${shown}`,
  );

  // The auditor's refused write, with the hub's reason.
  await form.locator('select[name="tag"]').selectOption("");
  await form.locator('input[name="q"]').fill("");
  await form.locator('select[name="outcome"]').selectOption("refused");
  await form.getByRole("button", { name: "查询" }).click();
  const refused = page.locator('[data-testid="audit-rows"] tr[data-audit][data-status="403"]', {
    hasText: "审计员",
  });
  await refused.first().waitFor();
  assert(((await refused.first().textContent()) ?? "").includes("auditor is read-only"), "the hub's reason");
  await form.locator('select[name="outcome"]').selectOption("");
}
