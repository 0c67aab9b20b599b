// The month-end checklist, pure: the declared steps in order, what one check answers, and the
// verdict that decides whether a period may close. The checks themselves are pluggable
// (checks.ts): a step whose module is not on the hub answers "not_available", which blocks
// closing like a failure does, so a month cannot close past a check nobody can run.

export type StepStatus = "passed" | "failed" | "not_available";

/** What one check answers for a period. */
export interface StepResult {
  status: StepStatus;
  /** One line: what was checked and the figure. */
  summary: string;
  /** What is left, named (store, day, item), e.g. "S001 2026-11-03: no_digest". */
  left: string[];
  /** How many are left when `left` is cut (a check may list the first N). */
  leftCount?: number;
}

/** The steps of a month-end close, in the order a chain's finance team works them. */
export const CLOSE_STEPS = [
  {
    id: "store_days_complete",
    title: "每个门店每天数据完整",
    titleEn: "Every store-day complete",
    module: "completeness",
  },
  {
    id: "payments_reconciled",
    title: "支付对账完成",
    titleEn: "Payments reconciled",
    module: "reconciliation",
  },
  {
    id: "receipts_invoiced",
    title: "收货已到票或暂估",
    titleEn: "Receipts invoiced or accrued",
    module: "payables",
  },
  { id: "counts_posted", title: "盘点已过账", titleEn: "Counts posted", module: "costing" },
  {
    id: "cost_valuation_run",
    title: "成本与存货估值已计算",
    titleEn: "Cost and valuation run",
    module: "costing",
  },
  {
    id: "vouchers_balanced",
    title: "凭证已生成且借贷平衡",
    titleEn: "Vouchers posted and balanced",
    module: "finance",
  },
  { id: "vouchers_exported", title: "凭证已导出", titleEn: "Vouchers exported", module: "export" },
] as const;

export type StepId = (typeof CLOSE_STEPS)[number]["id"];
export const STEP_IDS = CLOSE_STEPS.map((s) => s.id) as StepId[];

/** A check of one step; undefined: its module is not on this hub (yet). */
export type StepCheck = (period: string) => StepResult;
export type StepChecks = Partial<Record<StepId, StepCheck>>;

export const notAvailable = (module: string): StepResult => ({
  status: "not_available",
  summary: `not available: the ${module} module is not on this hub yet`,
  left: [],
});

/** Runs every declared step in order; a check that throws fails its step with the error. */
export function runChecklist(period: string, checks: StepChecks): { step: StepId; result: StepResult }[] {
  return CLOSE_STEPS.map(({ id, module }) => {
    const check = checks[id];
    if (!check) return { step: id, result: notAvailable(module) };
    try {
      return { step: id, result: check(period) };
    } catch (e) {
      return {
        step: id,
        result: { status: "failed" as const, summary: `check failed: ${(e as Error).message}`, left: [] },
      };
    }
  });
}

/** The steps that stop a close (failed or not available), in checklist order; empty: it may close. */
export function blockingSteps(results: readonly { step: StepId; result: StepResult }[]): StepId[] {
  return results.filter((r) => r.result.status !== "passed").map((r) => r.step);
}

/** Why a close is refused, naming the first blocking step and what is left of it. */
export function refusal(
  period: string,
  results: readonly { step: StepId; result: StepResult }[],
): string | undefined {
  const first = results.find((r) => r.result.status !== "passed");
  if (!first) return undefined;
  const n = first.result.leftCount ?? first.result.left.length;
  const more = results.filter((r) => r.result.status !== "passed").length - 1;
  return `period ${period} cannot close: step ${first.step} ${first.result.status === "not_available" ? "is not available" : "failed"}: ${first.result.summary}${n ? ` (${n} left, e.g. ${first.result.left.slice(0, 3).join("; ")})` : ""}${more ? `; ${more} more step(s) not passed` : ""}`;
}
