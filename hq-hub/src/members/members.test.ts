// The members module through the hub's API on a real libSQL file, with the clock passed in:
// tiers by rule on the daily run, RFM and rule segments (size, preview, saved, re-evaluated),
// a campaign over generated members with a planted effect whose interval recovers it, coupons
// issued through coupons/, and the PIPL requests (consent, export, erase, masked phones).
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { prng } from "@retail/protocol";
import { api, startTestHub } from "../test-kit.ts";
import { recordMemberActivity } from "./profile.ts";

setDefaultTimeout(120_000);

let hub: Awaited<ReturnType<typeof startTestHub>>;
let clock = new Date("2026-09-01T00:00:00.000Z");
const DAY = 86_400_000;
const N = 2000;
const id = (i: number) => `M${String(i).padStart(5, "0")}`;
const phone = (i: number) => `139${String(i).padStart(8, "0")}`;
const n = (sql: string) => (hub.db.prepare(sql).get() as { n: number }).n;

/** Past sales through the history import, 5,000 a call. */
async function importSales(sales: unknown[]) {
  for (let i = 0; i < sales.length; i += 5000) {
    const r = await api(hub, "POST", "/api/v1/members/history", { sales: sales.slice(i, i + 5000) });
    expect(r.status).toBe(200);
  }
}

beforeAll(async () => {
  hub = await startTestHub({}, () => clock);
  const cs = (await api(hub, "POST", "/api/v1/changesets", { target: { kind: "all" } })).body.id as number;
  await api(hub, "POST", `/api/v1/catalog/promotion?changeset=${cs}`, {
    id: "P-CAMP",
    kind: "threshold",
    min: 10000,
    off: 2000,
    couponCode: "CAMP",
  });
  expect((await api(hub, "POST", `/api/v1/changesets/${cs}/release`, { stage: "all" })).status).toBe(200);
  const add = hub.db.prepare(
    "INSERT INTO members (id, phone, tier, points, status) VALUES (?, ?, 'regular', 0, 'active')",
  );
  hub.db.transaction(() => {
    for (let i = 0; i < N; i++) add.run(id(i), phone(i));
  })();
  // Everyone but every tenth member agreed to marketing; member 0 withdrew afterwards.
  for (let i = 0; i < N; i++)
    if (i % 10 !== 9)
      hub.members.consents.record("test", id(i), {
        purpose: "marketing",
        granted: true,
        wording: "我同意接收会员优惠信息 / I agree to receive member offers",
      });
  // Three months of history: member i visits (i % 5) + 1 times, in category 1001 or 2002, at S1 or S2.
  const random = prng(3);
  const sales = [];
  for (let i = 0; i < N; i++)
    for (let v = 0; v <= i % 5; v++)
      sales.push({
        memberId: id(i),
        storeId: i % 2 ? "S2" : "S1",
        saleId: `H-${i}-${v}`,
        at: new Date(Date.parse("2026-06-01T00:00:00Z") + Math.floor(random() * 90) * DAY).toISOString(),
        categories: [{ category: i % 3 ? "1001" : "2002", netFen: 1000 * (1 + (i % 7)) }],
      });
  await importSales(sales);
});
afterAll(async () => {
  await hub.cleanup();
});

describe("members", () => {
  test("the history import counts each sale once and refuses garbage, naming it", async () => {
    const again = await api(hub, "POST", "/api/v1/members/history", {
      sales: [
        {
          memberId: id(1),
          storeId: "S2",
          saleId: "H-1-0",
          at: "2026-06-01T00:00:00Z",
          categories: [{ category: "1001", netFen: 2000 }],
        },
      ],
    });
    expect(again.body).toEqual({ received: 1, added: 0, duplicates: 1 });
    const bad = await api(hub, "POST", "/api/v1/members/history", {
      sales: [
        {
          memberId: id(1),
          storeId: "S2",
          saleId: "X",
          at: "2026-06-01T00:00:00Z",
          categories: [{ category: "1001", netFen: 12.5 }],
        },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe("sales.0.categories.0.netFen");
    const unknown = await api(hub, "POST", "/api/v1/members/history", {
      sales: [
        {
          memberId: "NOPE",
          storeId: "S2",
          saleId: "X",
          at: "2026-06-01T00:00:00Z",
          categories: [{ category: "1001", netFen: 1 }],
        },
      ],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.field).toBe("sales.0.memberId");
    const p = (await api(hub, "GET", `/api/v1/members/${id(4)}`)).body;
    expect(p.visits).toBe(5);
    expect(p.spendFen).toBe(5 * 5000);
    expect(p.averageBasketFen).toBe(5000);
    expect(p.favouriteCategories).toEqual([{ category: "1001", spendFen: 25000 }]);
  });

  test("tiers by rule on the daily run with the clock passed in; not again within a day", async () => {
    const bad = await api(hub, "PUT", "/api/v1/members/tier-rules", {
      rules: [{ tier: "gold", rank: 1, metric: "spend", windowDays: 365, minValue: 20000 }],
    });
    expect(bad.status).toBe(400);
    const put = await api(hub, "PUT", "/api/v1/members/tier-rules", {
      rules: [
        { tier: "regular", rank: 0, metric: "spend", windowDays: 365, minValue: 0 },
        { tier: "gold", rank: 1, metric: "spend", windowDays: 365, minValue: 20000 },
      ],
    });
    expect(put.status).toBe(200);
    const run = hub.members.scoring.runScheduled(clock);
    expect(run?.tiers.members).toBe(N);
    // Gold: spend (v+1)·1000·(1 + i%7) >= 20,000 over the year.
    let gold = 0;
    for (let i = 0; i < N; i++) if (((i % 5) + 1) * 1000 * (1 + (i % 7)) >= 20000) gold++;
    expect(run?.tiers.changed).toBe(gold);
    expect(n("SELECT COUNT(*) AS n FROM members WHERE tier = 'gold' AND dirty = 1")).toBe(gold);
    expect(hub.members.scoring.runScheduled(new Date(clock.getTime() + 3600_000))).toBeUndefined();
    // A year on, the window is empty: everyone is back to regular.
    const later = hub.members.scoring.runScheduled(new Date(clock.getTime() + 400 * DAY));
    expect(later?.tiers.changed).toBe(gold);
    expect(n("SELECT COUNT(*) AS n FROM members WHERE tier = 'gold'")).toBe(0);
    hub.members.scoring.runScheduled(clock, true);
    expect(n("SELECT COUNT(*) AS n FROM members WHERE tier = 'gold'")).toBe(gold);
  });

  test("segments: RFM and rule conditions, size and preview, saved and re-evaluated; garbage refused", async () => {
    const frequent = await api(hub, "POST", "/api/v1/members/segments/preview", {
      rule: { visits: { min: 5 }, categories: ["2002"], stores: ["S1"] },
    });
    // i % 5 == 4, i % 3 == 0, i even: i ≡ 24 (mod 30).
    expect(frequent.body.size).toBe(Math.ceil((N - 24) / 30));
    expect(frequent.body.members[0].phone).toMatch(/^139\d{8}$/); // whole for hq_admin
    const rfm = await api(hub, "POST", "/api/v1/members/segments/preview", {
      rule: { rfm: { f: { min: 5 } } },
    });
    expect(rfm.body.size).toBe(N / 5);
    const saved = await api(hub, "POST", "/api/v1/members/segments", {
      name: "近期活跃",
      rule: { recencyDays: { max: 120 } },
    });
    expect(saved.status).toBe(200);
    expect(saved.body.size).toBe(N);
    expect((await api(hub, "POST", "/api/v1/members/segments", { name: "近期活跃", rule: {} })).status).toBe(
      409,
    );
    for (const rule of [
      { visits: { min: 5, max: 1 } },
      { rfm: { r: { min: 6 } } },
      { stores: ["x'; DROP TABLE members"] },
      { nope: 1 },
    ]) {
      const r = await api(hub, "POST", "/api/v1/members/segments/preview", { rule });
      expect(r.status).toBe(400);
    }
    const before = clock;
    clock = new Date(Date.parse("2026-10-15T00:00:00Z"));
    const again = await api(hub, "POST", `/api/v1/members/segments/${saved.body.id}/evaluate`);
    expect(again.body.size).toBeLessThan(N);
    expect(again.body.evaluatedAt).toBe(clock.toISOString());
    clock = before;
  });

  test("a campaign over generated members with a planted effect: the reported interval recovers it", async () => {
    const seg = (
      await api(hub, "POST", "/api/v1/members/segments", { name: "all buyers", rule: { visits: { min: 1 } } })
    ).body;
    hub.members.consents.record("test", id(0), {
      purpose: "marketing",
      granted: false,
      wording: "撤回营销同意 / withdraw marketing consent",
    });
    expect((await api(hub, "GET", `/api/v1/members/segments/${seg.id}/reach`)).body).toEqual({
      segment: N,
      consented: N - N / 10 - 1,
    });
    const startsAt = clock.toISOString();
    const endsAt = new Date(clock.getTime() + 28 * DAY).toISOString();
    const input = {
      name: "回流券",
      segmentId: seg.id,
      promotionId: "P-CAMP",
      holdoutPercent: 50,
      seed: 11,
      startsAt,
      endsAt,
    };
    expect(
      (await api(hub, "POST", "/api/v1/members/campaigns", { ...input, promotionId: "NOPE" })).status,
    ).toBe(400);
    expect((await api(hub, "POST", "/api/v1/members/campaigns", { ...input, endsAt: startsAt })).status).toBe(
      400,
    );
    const c = (await api(hub, "POST", "/api/v1/members/campaigns", input)).body;
    expect(c.treated + c.control).toBe(N - N / 10 - 1);
    expect(c.seed).toBe(11);
    expect(c.status).toBe("running");
    // Coupons through coupons/: one per treated member, bound to it, valid to the window's end.
    const groups = (await api(hub, "GET", `/api/v1/members/campaigns/${c.id}/members?limit=10000`)).body
      .members as {
      memberId: string;
      treated: boolean;
      couponCode: string | null;
    }[];
    expect(n("SELECT COUNT(*) AS n FROM coupons WHERE promotion_id = 'P-CAMP'")).toBe(c.treated);
    expect(groups.filter((g) => g.treated && g.couponCode).length).toBe(c.treated);
    expect(groups.some((g) => g.memberId === id(0) || g.memberId === id(9))).toBe(false);

    // The window's sales: everyone's usual spend; a third of the treated redeem their coupon
    // on an extra basket of 6,000 fen: a true effect of 2,000 fen per treated member.
    const random = prng(99);
    const sales = [];
    const redeem = hub.db.prepare(
      "INSERT INTO coupon_redemptions (code, store_id, sale_id, event_id, redeemed_at, received_at, pushed) VALUES (?, 'S1', ?, ?, ?, ?, 1)",
    );
    for (const g of groups) {
      const visits = Math.floor(random() * 4);
      for (let v = 0; v < visits; v++)
        sales.push({
          memberId: g.memberId,
          storeId: "S1",
          saleId: `W-${g.memberId}-${v}`,
          at: new Date(clock.getTime() + Math.floor(random() * 27) * DAY).toISOString(),
          categories: [{ category: "1001", netFen: Math.round(3000 * Math.exp(random() - 0.5)) }],
        });
      if (g.treated && random() < 1 / 3) {
        const at = new Date(clock.getTime() + 5 * DAY).toISOString();
        sales.push({
          memberId: g.memberId,
          storeId: "S1",
          saleId: `C-${g.memberId}`,
          at,
          categories: [{ category: "1001", netFen: 6000 }],
          coupons: 1,
        });
        // As ingest records a coupon use (coupons/ledger.ts), for the redemption count.
        redeem.run(g.couponCode, `C-${g.memberId}`, `E-${g.memberId}`, at, at);
      }
    }
    clock = new Date(clock.getTime() + 28 * DAY);
    await importSales(sales);
    const r = (await api(hub, "GET", `/api/v1/members/campaigns/${c.id}`)).body;
    expect(r.status).toBe("finished");
    expect(r.uplift.method).toContain("Welch");
    expect(r.uplift.ci95.lowFen).toBeLessThanOrEqual(2000);
    expect(r.uplift.ci95.highFen).toBeGreaterThanOrEqual(2000);
    expect(r.uplift.ci95.lowFen).toBeGreaterThan(0);
    const redeemed = n(
      `SELECT COUNT(*) AS n FROM coupon_redemptions WHERE code IN (SELECT coupon_code FROM campaign_members WHERE campaign_id = ${c.id})`,
    );
    expect(r.redeemed).toBe(redeemed);
    expect(r.redemptionPercent).toBeCloseTo((100 * redeemed) / c.treated, 0);
    expect(r.uplift.incrementalSpendFen).toBe(
      Math.round(
        (r.uplift.treated.totalFen / r.uplift.treated.n - r.uplift.control.totalFen / r.uplift.control.n) *
          r.uplift.treated.n,
      ),
    );
  });

  test("PIPL: consent with time and wording, masked phones for other roles, export, erasure keeps sales", async () => {
    const consent = await api(hub, "POST", `/api/v1/members/${id(5)}/consents`, {
      purpose: "profiling",
      granted: true,
      wording: "我同意根据消费记录为我推荐商品 / I agree to recommendations from my purchases",
    });
    expect(consent.body).toMatchObject({ purpose: "profiling", granted: true, at: clock.toISOString() });
    expect(
      (
        await api(hub, "POST", `/api/v1/members/${id(5)}/consents`, {
          purpose: "profiling",
          granted: true,
          wording: "ok",
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await api(hub, "POST", "/api/v1/members/NOPE/consents", {
          purpose: "marketing",
          granted: true,
          wording: "long enough wording",
        })
      ).status,
    ).toBe(404);

    const auditor = (await api(hub, "POST", "/api/v1/tokens", { name: "aud", role: "auditor" })).body
      .token as string;
    expect((await api(hub, "GET", `/api/v1/members/${id(5)}`, undefined, auditor)).body.phone).toBe(
      "139****0005",
    );
    expect((await api(hub, "GET", `/api/v1/members/${id(5)}`)).body.phone).toBe(phone(5));
    expect(
      (await api(hub, "GET", `/api/v1/members?q=${id(5)}`, undefined, auditor)).body.members[0].phone,
    ).toBe("139****0005");
    expect((await api(hub, "GET", `/api/v1/members/${id(5)}/export`, undefined, auditor)).status).toBe(403);
    expect((await api(hub, "POST", `/api/v1/members/${id(5)}/erase`, undefined, auditor)).status).toBe(403);

    const exported = (await api(hub, "GET", `/api/v1/members/${id(5)}/export`)).body;
    expect(exported.member.phone).toBe(phone(5));
    expect(exported.consents.map((x: { purpose: string }) => x.purpose)).toEqual(["profiling", "marketing"]);
    expect(exported.activity.length).toBeGreaterThan(0);

    // The member is on a change set (the member sync sends dirty balances down with the phone).
    hub.db.prepare(`UPDATE members SET points = 7, dirty = 1 WHERE id = '${id(5)}'`).run();
    hub.syncMembers("test");
    expect(
      n(
        `SELECT COUNT(*) AS n FROM changeset_items WHERE key = '${id(5)}' AND data_json LIKE '%${phone(5)}%'`,
      ),
    ).toBe(1);
    const activity = n(`SELECT COUNT(*) AS n FROM member_activity WHERE member_id = '${id(5)}'`);
    const erased = await api(hub, "POST", `/api/v1/members/${id(5)}/erase`);
    expect(erased.status).toBe(200);
    expect(n(`SELECT COUNT(*) AS n FROM members WHERE id = '${id(5)}'`)).toBe(0);
    expect(n(`SELECT COUNT(*) AS n FROM member_profiles WHERE member_id = '${id(5)}'`)).toBe(0);
    expect(n(`SELECT COUNT(*) AS n FROM member_consents WHERE member_id = '${id(5)}'`)).toBe(0);
    expect(
      n(
        `SELECT COUNT(*) AS n FROM changeset_items WHERE data_json LIKE '%${phone(5)}%' OR prev_json LIKE '%${phone(5)}%'`,
      ),
    ).toBe(0);
    expect(n(`SELECT COUNT(*) AS n FROM changeset_items WHERE key = '${id(5)}' AND op = 'delete'`)).toBe(1);
    // Sales (here their member copy) and coupons stay under the bare id.
    expect(n(`SELECT COUNT(*) AS n FROM member_activity WHERE member_id = '${id(5)}'`)).toBe(activity);
    expect((await api(hub, "GET", `/api/v1/members/${id(5)}`)).status).toBe(404);
    expect((await api(hub, "POST", `/api/v1/members/${id(5)}/erase`)).status).toBe(409);
    // A late sale of the erased member (an offline store) builds no new profile.
    const late = {
      type: "sale.completed",
      storeId: "S9",
      payload: {
        saleId: "LATE",
        member: { id: id(5), tier: "regular" },
        training: false,
        lines: [],
        totals: { net: 100 },
        coupons: [],
        completedAt: clock.toISOString(),
      },
    };
    expect(recordMemberActivity(hub.db, late as never)).toBe(false);
  });
});
