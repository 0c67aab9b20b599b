// Model-based test of the campaign lifecycle (fast-check commands): campaigns are created with
// random windows, the clock moves, people cancel them (allowed or not), and treated members use
// their coupons while a campaign runs, against the real members module on a real database beside
// a plain reference model (campaign -> window, cancel time, used coupons). After every command each
// campaign's status is the model's, a refused cancel names the status and the event and changes
// nothing, and a cancelled campaign's unused coupons are void in HQ's master while used ones are not.
// CAMPAIGN_MODEL_RUNS=n runs longer (default 20).
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import fc from "fast-check";
import { openDrizzle } from "../db/open.ts";
import { couponRedemptions } from "../db/schema.ts";
import { TransitionError } from "../lifecycle.ts";
import { api, startTestHub } from "../test-kit.ts";
import type { CampaignStatus } from "./campaign-lifecycle.ts";

setDefaultTimeout(600_000);
const RUNS = Number(process.env.CAMPAIGN_MODEL_RUNS ?? 20);
const HOUR = 3_600_000;

let clock = new Date("2026-10-01T00:00:00.000Z");
let hub: Awaited<ReturnType<typeof startTestHub>>;
let segmentId = 0;
let saleNo = 0;

beforeAll(async () => {
  hub = await startTestHub({}, () => clock);
  const cs = (await api(hub, "POST", "/api/v1/changesets", { target: { kind: "all" } })).body.id as number;
  await api(hub, "POST", `/api/v1/catalog/promotion?changeset=${cs}`, {
    id: "P-LC",
    kind: "threshold",
    min: 5000,
    off: 1000,
    couponCode: "LC",
  });
  expect((await api(hub, "POST", `/api/v1/changesets/${cs}/release`, { stage: "all" })).status).toBe(200);
  const add = hub.db.prepare(
    "INSERT INTO members (id, phone, tier, points, status) VALUES (?, ?, 'regular', 0, 'active')",
  );
  const sales = [];
  for (let i = 0; i < 12; i++) {
    add.run(`L${i}`, `1370000${String(i).padStart(4, "0")}`);
    hub.members.consents.record("test", `L${i}`, { purpose: "marketing", granted: true, wording: "同意" });
    sales.push({
      memberId: `L${i}`,
      storeId: "S1",
      saleId: `LC-H-${i}`,
      at: "2026-09-20T00:00:00.000Z",
      categories: [{ category: "1001", netFen: 3000 }],
    });
  }
  expect((await api(hub, "POST", "/api/v1/members/history", { sales })).status).toBe(200);
  segmentId = (
    await api(hub, "POST", "/api/v1/members/segments", { name: "lc", rule: { visits: { min: 1 } } })
  ).body.id;
});
afterAll(async () => {
  await hub?.cleanup();
});

interface ModelCampaign {
  id: number;
  startsAt: number;
  endsAt: number;
  cancelledAt?: number;
  /** treated member -> coupon code */
  coupons: Map<string, string>;
  used: Set<string>;
}
type Model = { campaigns: ModelCampaign[] };
type Real = { campaigns: typeof hub.members.campaigns };

function modelStatus(c: ModelCampaign, t: number): CampaignStatus {
  if (c.cancelledAt !== undefined && c.cancelledAt <= t) return "cancelled";
  if (t < c.startsAt) return "planned";
  return t < c.endsAt ? "running" : "finished";
}

function check(m: Model, r: Real) {
  const t = clock.getTime();
  const listed = new Map(r.campaigns.list().campaigns.map((c) => [c.id, c.status]));
  for (const c of m.campaigns) {
    expect(r.campaigns.get(c.id).status).toBe(modelStatus(c, t));
    expect(listed.get(c.id)).toBe(modelStatus(c, t));
    for (const code of c.coupons.values()) {
      const master = hub.catalog.readMaster("coupon", code) as { status: string };
      expect(master.status).toBe(c.cancelledAt !== undefined && !c.used.has(code) ? "void" : "issued");
    }
  }
}

class Create implements fc.Command<Model, Real> {
  constructor(
    readonly startHours: number,
    readonly hours: number,
  ) {}
  check = (m: Model) => m.campaigns.length < 6;
  run(m: Model, r: Real) {
    const startsAt = clock.getTime() + this.startHours * HOUR;
    const endsAt = Math.max(startsAt, clock.getTime()) + this.hours * HOUR;
    const c = r.campaigns.create("model", {
      name: `lc ${m.campaigns.length}`,
      segmentId,
      promotionId: "P-LC",
      holdoutPercent: 50,
      seed: m.campaigns.length + 1,
      startsAt: new Date(startsAt).toISOString(),
      endsAt: new Date(endsAt).toISOString(),
    });
    const coupons = new Map<string, string>();
    for (const x of r.campaigns.memberList(c.id).members)
      if (x.treated && x.couponCode) coupons.set(x.memberId, x.couponCode);
    expect(coupons.size).toBe(c.treated);
    m.campaigns.push({ id: c.id, startsAt, endsAt, coupons, used: new Set() });
    check(m, r);
  }
  toString = () => `create(${this.startHours}h, ${this.hours}h)`;
}

class Advance implements fc.Command<Model, Real> {
  constructor(readonly hours: number) {}
  check = () => true;
  run(m: Model, r: Real) {
    clock = new Date(clock.getTime() + this.hours * HOUR);
    check(m, r);
  }
  toString = () => `advance(${this.hours}h)`;
}

class Cancel implements fc.Command<Model, Real> {
  constructor(readonly pick: number) {}
  check = (m: Model) => m.campaigns.length > 0;
  run(m: Model, r: Real) {
    const c = m.campaigns[this.pick % m.campaigns.length]!;
    const t = clock.getTime();
    const before = modelStatus(c, t);
    if (before === "planned" || before === "running") {
      const out = r.campaigns.cancel("model", c.id);
      c.cancelledAt = t;
      expect(out.status).toBe("cancelled");
      expect(out.couponsVoided).toBe([...c.coupons.values()].filter((x) => !c.used.has(x)).length);
    } else {
      let err: unknown;
      try {
        r.campaigns.cancel("model", c.id);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(TransitionError);
      expect((err as TransitionError).state).toBe(before);
      expect((err as TransitionError).event).toBe("cancel");
    }
    check(m, r);
  }
  toString = () => `cancel(${this.pick})`;
}

/** A treated member uses the coupon at a till while the campaign runs (the row ingest writes). */
class Redeem implements fc.Command<Model, Real> {
  constructor(
    readonly pick: number,
    readonly member: number,
  ) {}
  check = (m: Model) => m.campaigns.length > 0;
  run(m: Model, r: Real) {
    const c = m.campaigns[this.pick % m.campaigns.length]!;
    const codes = [...c.coupons.values()];
    const code = codes[this.member % codes.length]!;
    if (modelStatus(c, clock.getTime()) !== "running" || c.used.has(code)) return; // the till refuses it
    saleNo++;
    openDrizzle(hub.db)
      .insert(couponRedemptions)
      .values({
        code,
        storeId: "S1",
        saleId: `LC-S-${saleNo}`,
        eventId: `LC-E-${saleNo}`,
        redeemedAt: clock.toISOString(),
        receivedAt: clock.toISOString(),
        pushed: 1,
      })
      .run();
    c.used.add(code);
    expect(r.campaigns.results(c.id).redeemed).toBe(c.used.size);
    check(m, r);
  }
  toString = () => `redeem(${this.pick}, ${this.member})`;
}

test("campaign lifecycle: statuses, cancels and voided coupons follow the declared table", () => {
  const commands = [
    fc
      .tuple(fc.integer({ min: -48, max: 48 }), fc.integer({ min: 1, max: 96 }))
      .map(([s, h]) => new Create(s, h)),
    fc.integer({ min: 1, max: 48 }).map((h) => new Advance(h)),
    fc.nat(20).map((p) => new Cancel(p)),
    fc.tuple(fc.nat(20), fc.nat(20)).map(([p, k]) => new Redeem(p, k)),
  ];
  fc.assert(
    fc.property(fc.commands(commands, { size: "+1" }), (cmds) => {
      fc.modelRun(() => ({ model: { campaigns: [] }, real: { campaigns: hub.members.campaigns } }), cmds);
    }),
    { numRuns: RUNS },
  );
});
