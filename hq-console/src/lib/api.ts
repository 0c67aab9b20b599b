// Typed fetch client for the hub's admin API (same origin, /api/v1). Every failure becomes an
// ApiError carrying the HTTP status, the hub's error code, the field at fault (400) and the
// reason (403/409), so screens can say what went wrong in plain words. A 401 ends the session.
import { errorFrom } from "./errors.ts";
import { session } from "./session.svelte.ts";

export { ApiError, errorFrom, qs } from "./errors.ts";

export async function call<T>(
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
  path: string,
  body?: unknown,
  opts: { csv?: boolean; token?: string } = {},
): Promise<T> {
  const token = opts.token ?? session.token;
  const res = await fetch(`/api/v1${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { "content-type": opts.csv ? "text/csv" : "application/json" }),
    },
    ...(body === undefined ? {} : { body: opts.csv ? String(body) : JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) {
    const err = errorFrom(res.status, text);
    if (res.status === 401 && !opts.token) session.expire();
    // The hub says an auditor is read-only; remember it so write buttons go away.
    if (res.status === 403 && /read-only/.test(err.message)) session.readOnly = true;
    throw err;
  }
  return (text ? JSON.parse(text) : undefined) as T;
}

export const get = <T>(path: string) => call<T>("GET", path);
export const post = <T>(path: string, body?: unknown) => call<T>("POST", path, body ?? {});
export const put = <T>(path: string, body: unknown) => call<T>("PUT", path, body);

// The hub's answers, generated from its route declarations (hq-hub/src/*/routes.ts) by
// scripts/gen-api-types.ts; `npm run lint` fails when they drift.
import type { FleetRow, PurchaseOrder } from "./api-types.ts";

export type {
  AuditEntry,
  AuditFacets,
  AuditPage,
  CashierListRow,
  CashierPage,
  CashierRecord,
  Changeset,
  ChangesetDetail,
  ChangesetPage,
  ChangesetPreview,
  CloseChecklist,
  CompletenessCell,
  CompletenessGrid,
  CouponConflict,
  CouponPage,
  CouponRow,
  DayDetail,
  DayStatus,
  DaySummary,
  DeadLetter,
  EventConflict,
  EventConflictDetail,
  ExcludedStore,
  FinanceFailure,
  FleetAlert,
  FleetPage,
  FleetRow,
  ImportJob,
  MarginReport,
  MatchTolerances,
  Me,
  MemberPage,
  MemberRow,
  MemberV1,
  MonthProof,
  Movement,
  OpenOrderImpact,
  OrderImpactLine,
  OrderReceipts,
  Period,
  PriceAuditPage,
  PriceAuditRow,
  PriceSchedule,
  ProductHit,
  ProductSearchPage,
  ProductV1,
  PromotionPage,
  PurchaseOrder,
  RemoteCommand,
  ReorderParamRow,
  ReplenishmentPlanItem,
  ReplenishmentRun,
  ReplenishmentSchedule,
  Repriced,
  ResyncAlert,
  SaleDetail,
  SaleRow,
  SalesReport,
  SkuForecast,
  Store,
  StoreGroup,
  StoreGroupRow,
  SuggestionList,
  Supplier,
  SupplierInvoice,
  SupplierPage,
  SupplierPayment,
  SupplierPriceList,
  SupplierPricePreview,
  Target,
  TokenRow,
  Totals,
  Transfer,
  TransferList,
  TransferRow,
  UninvoicedLine,
  Voucher,
} from "./api-types.ts";
export type DeviceHealth = FleetRow["devices"][number];
export type OrderStatus = PurchaseOrder["status"];
