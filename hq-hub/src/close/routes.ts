// The month-end close API: the checklist of a period (each step's status, what is left, who ran
// and confirmed it), running it, confirming a step, closing (refused naming the step) and an
// audited reopen. The close is chain-wide, so a regional manager may not read it (its steps name
// every region's stores); an auditor may.
import { z } from "@hono/zod-openapi";
import { ForbiddenError } from "../errors.ts";
import type { RouteModule } from "../http/route.ts";

const tag = "close";

const CloseStep = z
  .object({
    id: z.string(),
    title: z.string(),
    titleEn: z.string(),
    module: z.string(),
    status: z.enum(["passed", "failed", "not_available", "not_run"]),
    summary: z.string(),
    left: z.array(z.string()),
    leftCount: z.number().int(),
    ranBy: z.string().nullable(),
    ranAt: z.string().nullable(),
    confirmedBy: z.string().nullable(),
    confirmedAt: z.string().nullable(),
  })
  .openapi("CloseStep");
const CloseAuditEntry = z
  .object({
    event: z.string(),
    fromState: z.string(),
    toState: z.string(),
    actor: z.string(),
    reason: z.string().nullable(),
    at: z.string(),
  })
  .openapi("CloseAuditEntry");
const CloseChecklist = z
  .object({
    period: z.string(),
    state: z.enum(["open", "checking", "closed"]),
    closedBy: z.string().nullable(),
    closedAt: z.string().nullable(),
    canClose: z.boolean(),
    steps: z.array(CloseStep),
    audit: z.array(CloseAuditEntry),
  })
  .openapi("CloseChecklist");
const ReopenInput = z.strictObject({ reason: z.string().trim().min(1).max(200) });

export const closeRoutes: RouteModule = (r, hub, s) => {
  r.route(
    {
      method: "get",
      path: "/api/v1/close/{period}",
      summary:
        "A month's close checklist (YYYY-MM): its state and each step as last run: passed, failed or not available, what is left, who ran and confirmed it and when",
      access: "read",
      tag,
      response: CloseChecklist,
    },
    ({ params, principal }) => {
      if (principal.role === "regional_manager")
        throw new ForbiddenError("the month-end close is chain-wide: hq_admin or auditor");
      return hub.close.status(params.period);
    },
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/close/{period}/check",
      summary:
        "Run the month's checklist now (open -> checking): every step is checked and what is left is named",
      access: "admin",
      tag,
      response: CloseChecklist,
    },
    ({ params, principal }) => hub.close.check(params.period, s.actor(principal)),
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/close/{period}/steps/{step}/confirm",
      summary:
        "Sign off a step that passed on its last run (who and when are kept; a later failing run clears it)",
      access: "admin",
      tag,
      response: CloseChecklist,
    },
    ({ params, principal }) => hub.close.confirm(params.period, params.step, s.actor(principal)),
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/close/{period}/cancel",
      summary: "Stop checking a month (checking -> open)",
      access: "admin",
      tag,
      response: CloseChecklist,
    },
    ({ params, principal }) => hub.close.cancel(params.period, s.actor(principal)),
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/close/{period}/close",
      summary:
        "Close the month: the checklist runs again and the close is refused (409 naming the step in `step`) while a step fails or is not available; else the books close",
      access: "admin",
      tag,
      response: CloseChecklist.extend({ posted: z.number().int() }).openapi("CloseClosed"),
    },
    ({ params, principal }) => hub.close.close(params.period, s.actor(principal)),
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/close/{period}/reopen",
      summary:
        "Reopen a closed month (hq_admin, with a reason; audited): its days' late entries post into it again",
      access: "admin",
      tag,
      body: ReopenInput,
      response: CloseChecklist,
    },
    ({ params, body, principal }) => hub.close.reopen(params.period, s.actor(principal), body.reason),
  );
};
