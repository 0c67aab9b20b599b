// Over 400 lines because one count session's life (snapshot, sign-in, scans by lot, recount, submit, views) shares its private reads.
// Stocktakes at the store: a count session (opened by HQ through stocktake.update, or here), a
// frozen snapshot of the store's book stock taken when it opens, counters who sign in with
// their code and PIN and scan (barcode or SKU, a quantity each), a recount round for the lines
// more than the threshold away from the snapshot, and the finished count sent up once as
// stocktake.submitted in the same transaction as the status (the outbox: exactly once at HQ).
// Dated goods are counted by lot: the snapshot keeps their lots, a scan of such a SKU names the
// lot (batch and expiry typed or read from the lot's GS1-128 label, or "" for the undated rest)
// and the submitted line says each lot's snapshot and count, so approval moves each lot.
// Counting is blind: the till never shows the snapshot. Stock moves only when HQ approves (a
// stock.movement from HQ); HQ's decision comes back as stocktake.update.
import { randomBytes } from "node:crypto";
import { type Lot, type Payload, uuidv7 } from "@retail/protocol";
import { and, asc, desc, eq, inArray, ne } from "drizzle-orm";
import type { CatalogReplica } from "../catalog/replica.ts";
import type { Clock } from "../clock.ts";
import { stockOnHand, stocktakeEntries, stocktakeSessions, stocktakeSnapshot } from "../db/schema.ts";
import type { EdgeDb } from "../db.ts";
import { EdgeError, invalid } from "../errors.ts";
import type { Outbox } from "../outbox/outbox.ts";
import type { StockLedger } from "../stock.ts";
import { type CountLot, lotChoicesOf, readCountLot, submittedLots } from "./count-lots.ts";
import { type CountEntry, overThreshold, type TallyLine, tally } from "./tally.ts";

type Session = typeof stocktakeSessions.$inferSelect;
const MAX_LINES = 2000;
const MAX_QTY = 1_000_000;

export interface StocktakeView {
  id: string;
  kind: "full" | "cycle";
  origin: "hq" | "store";
  status: Session["status"];
  skus: string[];
  recountOver: number;
  openedBy: string;
  openedAt: string;
  /** SKUs to count again (the recount round). */
  recount: string[];
  /** Counted so far (no snapshot: counting is blind). */
  lines: {
    sku: string;
    name: string | null;
    counted: number;
    recount: boolean;
    recounted: boolean;
    counters: string[];
    /** Dated goods: counted by lot (the scan must name one); what each lot was counted at. */
    byLot: boolean;
    lots: { batch: string; expiresOn: string | null; counted: number }[];
  }[];
}

export class Stocktakes {
  /** Counter sign-ins: token -> (session, cashier). Kept in memory: after a restart counters sign in again. */
  private readonly counters = new Map<string, { sessionId: string; cashierId: string }>();

  constructor(
    private readonly d: {
      db: EdgeDb;
      outbox: Outbox;
      stock: StockLedger;
      replica: CatalogReplica;
      clock: Clock;
      onLedger: () => void;
      verifyStaff: (cashierId: string, pin: string) => Promise<unknown>;
    },
  ) {}

  private now(): string {
    return new Date(this.d.clock.now()).toISOString();
  }

  private row(id: string): Session {
    const s = this.d.db.d.select().from(stocktakeSessions).where(eq(stocktakeSessions.id, id)).get();
    if (!s) throw new EdgeError("not_found", "sessionId", `no stocktake ${id}`, "no_session");
    return s;
  }

  /** Inserts a session and freezes its snapshot: the cycle's SKUs, or every SKU with stock (full). Inside db.write. */
  private create(s: typeof stocktakeSessions.$inferInsert): void {
    const db = this.d.db.d;
    db.insert(stocktakeSessions).values(s).run();
    const skus: string[] = JSON.parse(s.skusJson);
    const book =
      s.kind === "cycle"
        ? skus.map((sku) => ({ sku, qty: this.d.stock.onHand(sku) }))
        : db
            .select({ sku: stockOnHand.sku, qty: stockOnHand.qty })
            .from(stockOnHand)
            .where(ne(stockOnHand.qty, 0))
            .all();
    const lots = this.d.stock.lots;
    for (const b of book)
      db.insert(stocktakeSnapshot)
        .values({
          sessionId: s.id,
          sku: b.sku,
          expected: b.qty,
          // Dated goods: their lots now (the undated rest included), to count each against.
          lotsJson: lots.isTracked(b.sku) ? JSON.stringify(lots.lots(b.sku)) : null,
        })
        .run();
  }

  /** What HQ decided (stocktake.update): open a session, cancel it, or its approval / rejection. */
  fromHq(u: Payload<"stocktake.update">): void {
    this.d.db.write(() => {
      const s = this.d.db.d
        .select()
        .from(stocktakeSessions)
        .where(eq(stocktakeSessions.id, u.sessionId))
        .get();
      if (u.action === "open") {
        if (s) return; // the same update again
        this.create({
          id: u.sessionId,
          kind: u.kind,
          origin: "hq",
          status: "counting",
          skusJson: JSON.stringify(u.skus),
          recountOver: u.recountOver,
          openedBy: u.by,
          openedAt: this.now(),
        });
        return;
      }
      if (!s) return;
      const next =
        u.action === "cancel"
          ? s.status === "counting" || s.status === "recount"
            ? "cancelled"
            : undefined
          : s.status === "submitted"
            ? u.action
            : undefined;
      if (next)
        this.d.db.d
          .update(stocktakeSessions)
          .set({ status: next })
          .where(eq(stocktakeSessions.id, s.id))
          .run();
    });
  }

  /** The store opens its own count (full, or a cycle count of named SKUs). */
  async open(
    cashierId: string,
    pin: string,
    input: { kind: "full" | "cycle"; skus?: string[]; recountOver?: number },
  ) {
    await this.d.verifyStaff(cashierId, pin);
    const skus = input.skus ?? [];
    if (input.kind === "cycle" && skus.length === 0) throw invalid("skus", "a cycle count names its SKUs");
    if (skus.length > MAX_LINES) throw invalid("skus", `at most ${MAX_LINES}`);
    const seen = new Set<string>();
    skus.forEach((sku, i) => {
      if (!this.d.replica.lookup.products.has(sku)) throw invalid(`skus.${i}`, `no product ${sku}`);
      if (seen.has(sku)) throw invalid(`skus.${i}`, `${sku} listed twice`);
      seen.add(sku);
    });
    const ms = this.d.clock.now();
    const id = `ST-${uuidv7(ms)}`;
    this.d.db.write(() =>
      this.create({
        id,
        kind: input.kind,
        origin: "store",
        status: "counting",
        skusJson: JSON.stringify(input.kind === "cycle" ? skus : []),
        recountOver: input.recountOver ?? 2,
        openedBy: cashierId,
        openedAt: new Date(ms).toISOString(),
      }),
    );
    return this.view(id);
  }

  /** A counter joins a session with code and PIN; the token goes with each scan. */
  async signIn(id: string, cashierId: string, pin: string): Promise<{ token: string; cashierId: string }> {
    await this.d.verifyStaff(cashierId, pin);
    const s = this.row(id);
    this.open_(s);
    const token = randomBytes(18).toString("base64url");
    this.counters.set(token, { sessionId: id, cashierId });
    return { token, cashierId };
  }

  private open_(s: Session): void {
    if (s.status !== "counting" && s.status !== "recount")
      throw new EdgeError(
        "conflict",
        "sessionId",
        `stocktake ${s.id} is ${s.status}; counting is over`,
        "closed",
      );
  }

  private counter(id: string, token: string): string {
    const c = this.counters.get(token);
    if (!c || c.sessionId !== id)
      throw new EdgeError("forbidden", "token", "sign in to this stocktake first", "not_joined");
    return c.cashierId;
  }

  /** The snapshot's lots of a dated SKU (null: not counted by lot when the session opened). */
  private snapshotLots(id: string, sku: string): Lot[] | null | undefined {
    const r = this.d.db.d
      .select({ lotsJson: stocktakeSnapshot.lotsJson })
      .from(stocktakeSnapshot)
      .where(and(eq(stocktakeSnapshot.sessionId, id), eq(stocktakeSnapshot.sku, sku)))
      .get();
    return r === undefined ? undefined : r.lotsJson ? (JSON.parse(r.lotsJson) as Lot[]) : null;
  }

  /** A SKU is counted by lot when it had lots at the snapshot or has them now. */
  private byLot(id: string, sku: string): boolean {
    return Boolean(this.snapshotLots(id, sku)) || this.d.stock.lots.isTracked(sku);
  }

  /**
   * The lots a counter may pick for a dated SKU: batch and expiry only (counting is blind: no
   * quantities), the snapshot's and those counted so far in this session, FEFO.
   */
  lotChoices(
    id: string,
    code: string,
  ): { sku: string; name: string; byLot: boolean; lots: { batch: string; expiresOn: string }[] } {
    this.row(id);
    // By SKU, or by the barcode the counter scanned.
    const lookup = this.d.replica.lookup;
    const product = lookup.products.get(code) ?? lookup.byCode(code)?.product;
    if (!product)
      throw new EdgeError("not_found", "code", `no product with barcode or SKU ${code}`, "unknown_code");
    const sku = product.sku;
    const lots = lotChoicesOf(
      this.snapshotLots(id, sku) ?? this.d.stock.lots.lots(sku),
      this.entries(id),
      sku,
    );
    return { sku, name: product.name, byLot: this.byLot(id, sku), lots };
  }

  /**
   * One scan or typed line: a barcode or SKU and how many (0 confirms none on a recount). A
   * dated SKU names its lot (typed, or the lot's GS1-128 label as the code); "" the undated rest.
   */
  scan(id: string, token: string, code: string, qty = 1, lotIn?: CountLot) {
    const counter = this.counter(id, token);
    if (!Number.isInteger(qty) || qty < 0 || qty > MAX_QTY)
      throw invalid("qty", `a whole number 0..${MAX_QTY}`);
    const lookup = this.d.replica.lookup;
    const read = readCountLot(code, lotIn);
    const lot = read.lot;
    code = read.code;
    const bySku = lookup.products.get(code);
    const hit = bySku ? { product: bySku, qty: 1, pack: undefined } : lookup.byCode(code);
    if (!hit)
      throw new EdgeError("not_found", "code", `no product with barcode or SKU ${code}`, "unknown_code");
    const { product, pack } = hit;
    const sku = product.sku;
    // A case's code counts its units: 2 cases of 12 scanned are 24.
    const units = qty * hit.qty;
    if (units > MAX_QTY) throw invalid("qty", `${qty} x ${hit.qty} is more than ${MAX_QTY} units`);
    return this.d.db.write(() => {
      const s = this.row(id);
      this.open_(s);
      const skus: string[] = JSON.parse(s.skusJson);
      if (s.kind === "cycle" && !skus.includes(sku))
        throw new EdgeError(
          "conflict",
          "code",
          `${sku} ${product.name} is not in this cycle count`,
          "outside_count",
        );
      const recount: string[] = JSON.parse(s.recountJson ?? "[]");
      if (s.status === "recount" && !recount.includes(sku))
        throw new EdgeError(
          "conflict",
          "code",
          `${sku} ${product.name} is not asked for a recount`,
          "not_recount",
        );
      if (!lot && this.byLot(id, sku))
        throw new EdgeError(
          "conflict",
          "batch",
          `${sku} ${product.name} is counted by lot: name its batch and expiry, or the undated rest`,
          "lot_required",
        );
      this.d.db.d
        .insert(stocktakeEntries)
        .values({
          sessionId: id,
          sku,
          qty: units,
          counter,
          round: s.status === "recount" ? 2 : 1,
          at: this.now(),
          batch: lot ? lot.batch : null,
          expiresOn: lot?.batch ? (lot.expiresOn ?? null) : null,
        })
        .run();
      const line = this.lines(s).find((l) => l.sku === sku)!;
      return {
        sku,
        name: product.name,
        counted: line.counted,
        qty: units,
        ...(pack ? { pack } : {}),
        ...(lot ? { lot: { batch: lot.batch, expiresOn: lot.batch ? (lot.expiresOn ?? null) : null } } : {}),
      };
    });
  }

  private entries(id: string): CountEntry[] {
    return this.d.db.d
      .select({
        sku: stocktakeEntries.sku,
        qty: stocktakeEntries.qty,
        counter: stocktakeEntries.counter,
        round: stocktakeEntries.round,
        batch: stocktakeEntries.batch,
        expiresOn: stocktakeEntries.expiresOn,
      })
      .from(stocktakeEntries)
      .where(eq(stocktakeEntries.sessionId, id))
      .orderBy(asc(stocktakeEntries.id))
      .all() as CountEntry[];
  }

  private lines(s: Session): TallyLine[] {
    const snapshot = new Map(
      this.d.db.d
        .select({ sku: stocktakeSnapshot.sku, expected: stocktakeSnapshot.expected })
        .from(stocktakeSnapshot)
        .where(eq(stocktakeSnapshot.sessionId, s.id))
        .all()
        .map((r) => [r.sku, r.expected]),
    );
    const recount = s.recountJson ? new Set<string>(JSON.parse(s.recountJson)) : undefined;
    return tally(snapshot, this.entries(s.id), s.recountOver, recount);
  }

  /**
   * Counting is done: after the first round the lines over the threshold are asked for a
   * recount (status recount); when none is (or every recount line was counted again) the count
   * is submitted to HQ.
   */
  finish(id: string, token: string): StocktakeView {
    const counter = this.counter(id, token);
    this.d.db.write(() => {
      const s = this.row(id);
      this.open_(s);
      const lines = this.lines(s);
      if (s.status === "counting") {
        const over = overThreshold(lines, s.recountOver);
        if (over.length) {
          this.d.db.d
            .update(stocktakeSessions)
            .set({ status: "recount", recountJson: JSON.stringify(over) })
            .where(eq(stocktakeSessions.id, id))
            .run();
          return;
        }
      } else {
        const missing = lines.find((l) => l.recount && !l.recounted);
        if (missing)
          throw new EdgeError(
            "conflict",
            "recount",
            `${missing.sku} is not recounted yet`,
            "recount_missing",
          );
      }
      if (lines.length > MAX_LINES)
        throw new EdgeError(
          "conflict",
          "lines",
          `${lines.length} lines: one stocktake holds at most ${MAX_LINES}`,
        );
      const at = this.now();
      const payload: Payload<"stocktake.submitted"> = {
        sessionId: id,
        kind: s.kind,
        origin: s.origin,
        openedBy: s.openedBy,
        openedAt: s.openedAt,
        submittedBy: counter,
        submittedAt: at,
        recountOver: s.recountOver,
        lines: lines.map((l) => {
          const lots = submittedLots(this.snapshotLots(id, l.sku), l);
          return {
            sku: l.sku,
            expected: l.expected,
            counted: l.counted,
            recounted: l.recounted,
            counters: l.counters.slice(0, 20),
            ...(lots ? { lots } : {}),
          };
        }),
      };
      this.d.db.d
        .update(stocktakeSessions)
        .set({ status: "submitted", submittedBy: counter, submittedAt: at })
        .where(eq(stocktakeSessions.id, id))
        .run();
      this.d.outbox.append("stocktake.submitted", payload, at);
    });
    this.d.onLedger();
    return this.view(id);
  }

  /** A store's own session is cancelled at the store (HQ's are cancelled by HQ). */
  cancel(id: string, token: string): StocktakeView {
    this.counter(id, token);
    this.d.db.write(() => {
      const s = this.row(id);
      this.open_(s);
      if (s.origin === "hq")
        throw new EdgeError("conflict", "sessionId", `stocktake ${id} was opened by HQ; HQ cancels it`);
      this.d.db.d
        .update(stocktakeSessions)
        .set({ status: "cancelled" })
        .where(eq(stocktakeSessions.id, id))
        .run();
    });
    return this.view(id);
  }

  view(id: string): StocktakeView {
    const s = this.row(id);
    const lookup = this.d.replica.lookup;
    return {
      id: s.id,
      kind: s.kind,
      origin: s.origin,
      status: s.status,
      skus: JSON.parse(s.skusJson),
      recountOver: s.recountOver,
      openedBy: s.openedBy,
      openedAt: s.openedAt,
      recount: JSON.parse(s.recountJson ?? "[]"),
      lines: this.lines(s)
        .filter((l) => l.counters.length > 0 || l.recount || s.kind === "cycle")
        .map((l) => ({
          sku: l.sku,
          name: lookup.products.get(l.sku)?.name ?? null,
          counted: l.counted,
          recount: l.recount,
          recounted: l.recounted,
          counters: l.counters,
          byLot: l.byLot || this.byLot(s.id, l.sku),
          lots: l.byLot
            ? l.lots.map((x) => ({ batch: x.batch, expiresOn: x.expiresOn, counted: x.qty }))
            : [],
        })),
    };
  }

  /** Sessions still being counted first, then the latest others. */
  list(): StocktakeView[] {
    const open = this.d.db.d
      .select({ id: stocktakeSessions.id })
      .from(stocktakeSessions)
      .where(inArray(stocktakeSessions.status, ["counting", "recount"]))
      .orderBy(desc(stocktakeSessions.openedAt))
      .all();
    const rest = this.d.db.d
      .select({ id: stocktakeSessions.id })
      .from(stocktakeSessions)
      .where(and(inArray(stocktakeSessions.status, ["submitted", "approved", "rejected", "cancelled"])))
      .orderBy(desc(stocktakeSessions.openedAt))
      .limit(10)
      .all();
    return [...open, ...rest].map((r) => this.view(r.id));
  }
}
