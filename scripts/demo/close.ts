// The demo's month-end close (`npm start`, console 月结, which opens on last month): the previous
// month (China time) is run through the checklist the way a finance team does in the first days
// of this one: a first check posts what waits (sales, inventory, accruals), the month's vouchers
// are exported for each company (Kingdee), the checklist runs again, every passed step is
// confirmed, and the month is closed. A step that does not pass stops it, named in the log, and
// the month stays open (the console shows why). Done once: a later start finds it closed.
// On a fresh demo the chain was enrolled this month, so last month has no store-days, sales or
// receipts: its steps pass with nothing to do ("0 of 0"); a demo data folder kept across a month
// end closes a month with real activity the same way.

interface Step {
  id: string;
  status: string;
  summary: string;
  left: string[];
  confirmedBy: string | null;
}
interface Checklist {
  period: string;
  state: string;
  steps: Step[];
  canClose: boolean;
}

/** YYYY-MM of the month before the China-time month of `ms`. */
export function previousMonth(ms = Date.now()): string {
  const d = new Date(ms + 8 * 3_600_000);
  const prev = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1));
  return prev.toISOString().slice(0, 7);
}

function monthDays(period: string): { first: string; last: string } {
  const [y, m] = [Number(period.slice(0, 4)), Number(period.slice(5, 7))];
  return { first: `${period}-01`, last: new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10) };
}

export async function runMonthClose(
  hq: string,
  token: string,
  opts: { period?: string; log?: (msg: string) => void } = {},
): Promise<Checklist | undefined> {
  const log = opts.log ?? ((msg: string) => console.log(`[close] ${msg}`));
  const period = opts.period ?? previousMonth();
  const call = async <T>(method: string, path: string): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${hq}/api/v1${path}`, { method, headers: { authorization: `Bearer ${token}` } });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // a file (the export) or plain text
    }
    return { status: res.status, body: body as T };
  };
  const ok = async <T>(method: string, path: string): Promise<T> => {
    const r = await call<T>(method, path);
    if (r.status !== 200)
      throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
    return r.body;
  };
  try {
    const now = await ok<Checklist>("GET", `/close/${period}`);
    if (now.state === "closed") {
      log(`${period} is closed (console 月结)`);
      return now;
    }
    // 1. A first run posts what waits (sales days, inventory, month-end accruals) so the export
    //    that follows has every voucher dated in the month.
    await ok<Checklist>("POST", `/close/${period}/check`);
    // 2. The month's vouchers to the accounting package, per company.
    const { first, last } = monthDays(period);
    const companies = await ok<{ id: string }[]>("GET", "/accounts/companies");
    for (const c of companies)
      await ok(
        "GET",
        `/finance/export?from=${first}&to=${last}&format=kingdee&company=${encodeURIComponent(c.id)}`,
      );
    // 3. The checklist again; each passed step confirmed by the one who ran it.
    const checked = await ok<Checklist>("POST", `/close/${period}/check`);
    for (const s of checked.steps)
      if (s.status === "passed" && !s.confirmedBy) await ok("POST", `/close/${period}/steps/${s.id}/confirm`);
    // 4. Close: refused (409) naming the step while one does not pass.
    const closed = await call<Checklist & { step?: string; message?: string }>(
      "POST",
      `/close/${period}/close`,
    );
    if (closed.status !== 200) {
      log(`${period} not closed: ${closed.body.message ?? JSON.stringify(closed.body).slice(0, 300)}`);
      return undefined;
    }
    log(
      `${period} closed through the checklist (${closed.body.steps.map((s) => `${s.id}: ${s.summary}`).join("; ")})`,
    );
    return closed.body;
  } catch (e) {
    log(`${period}: ${(e as Error).message}`);
    return undefined;
  }
}

// `bun scripts/demo/close.ts <hq-url> [YYYY-MM]` (token in HQ_ADMIN_TOKEN): the same run by hand;
// prints the checklist as JSON on the last line; exit 1 when the month did not close.
if (import.meta.main) {
  const [hq, period] = process.argv.slice(2);
  if (!hq || !process.env.HQ_ADMIN_TOKEN) {
    console.error("usage: HQ_ADMIN_TOKEN=... bun scripts/demo/close.ts <hq-url> [YYYY-MM]");
    process.exit(2);
  }
  const r = await runMonthClose(hq, process.env.HQ_ADMIN_TOKEN, period ? { period } : {});
  console.log(JSON.stringify(r ?? null));
  process.exit(r?.state === "closed" ? 0 : 1);
}
