// The demo's members (first start of `npm start`): 240 members with a year of purchases (the
// history import, as from a previous loyalty system), consents, tier rules and the daily run,
// three saved segments, and a campaign over the last 28 days whose window has just closed, with
// a planted effect (treated members came back more), so 会员分群 and 营销活动 show at once.
// The campaign starts 28 days back (a campaign may start up to 30 days back) and ends a few
// minutes after the seed; its coupons are issued as usual and reach every store, and in those
// minutes some treated members bring theirs to a real till (redeemDemoCampaign: member QR code,
// coupon, cash), so the finished campaign shows real redemptions, flowed back through ingest.
import { prng } from "@retail/protocol";
import { demoCatalog } from "./catalog.ts";
import { DEMO_MEMBERS, DEMO_STORES } from "./chain.ts";

type Api = <T>(method: string, path: string, body?: unknown) => Promise<T>;

const DAY = 86_400_000;
/** The demo campaign ends this long after the seed: time for its coupons to be used at a till. */
const CAMPAIGN_TAIL_MS = 6 * 60_000;
export const DEMO_CAMPAIGN = "会员回馈满100减20";
const COUNT = 240;
const SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙"];
const GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛"];
const CATEGORIES = ["1001", "1002", "2001", "2002", "3001"];
const WORDING = "我同意接收会员优惠信息（短信、小程序推送），可随时在门店或小程序撤回。";

export async function seedDemoMembers(api: Api): Promise<void> {
  const random = prng(18);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const ids: string[] = DEMO_MEMBERS.map((m) => m.id);
  const cs = await api<{ id: number }>("POST", "/api/v1/changesets", {
    description: "演示会员 demo members",
    target: { kind: "all" },
  });
  for (let i = 4; i < 4 + COUNT; i++) {
    const id = `M${String(i).padStart(6, "0")}`;
    ids.push(id);
    await api("POST", `/api/v1/catalog/member?changeset=${cs.id}`, {
      id,
      phone: `1${pick(["35", "37", "38", "39", "58", "86"])}${String(10_000_000 + i * 7919).slice(-8)}`,
      name: `${pick(SURNAMES)}${pick(GIVEN)}`,
      tier: "regular",
      points: 0,
      status: "active",
    });
  }
  await api("POST", `/api/v1/changesets/${cs.id}/release`, { stage: "all" });

  // A year of purchases before the campaign: each member a habit (visits a month, a home store,
  // a favourite category); a fifth have lapsed for two months or more.
  const now = Date.now();
  const campaignStart = now - 28 * DAY;
  const habit = new Map<string, { perMonth: number; store: string; category: string; basket: number }>();
  const sales: unknown[] = [];
  for (const [k, id] of ids.entries()) {
    if (random() < 0.85)
      await api("POST", `/api/v1/members/${id}/consents`, {
        purpose: "marketing",
        granted: true,
        wording: WORDING,
      });
    const h = {
      perMonth: 1 + Math.floor(random() * random() * 8),
      store: pick(DEMO_STORES).id,
      category: pick(CATEGORIES),
      basket: 2000 + Math.floor(random() * 12000),
    };
    habit.set(id, h);
    const lapsedAt = random() < 0.2 ? campaignStart - (60 + Math.floor(random() * 200)) * DAY : campaignStart;
    for (let t = campaignStart - 365 * DAY; t < lapsedAt; t += (30 * DAY) / h.perMonth)
      sales.push({
        memberId: id,
        storeId: random() < 0.8 ? h.store : pick(DEMO_STORES).id,
        saleId: `DEMO-H-${k}-${Math.floor(t / 1000)}`,
        at: new Date(t + Math.floor(random() * DAY)).toISOString(),
        categories: [
          {
            category: random() < 0.7 ? h.category : pick(CATEGORIES),
            netFen: Math.round(h.basket * (0.5 + random())),
          },
        ],
      });
  }
  for (let i = 0; i < sales.length; i += 5000)
    await api("POST", "/api/v1/members/history", { sales: sales.slice(i, i + 5000) });

  await api("PUT", "/api/v1/members/tier-rules", {
    rules: [
      { tier: "regular", rank: 0, metric: "spend", windowDays: 365, minValue: 0 },
      { tier: "silver", rank: 1, metric: "spend", windowDays: 365, minValue: 150_000 },
      { tier: "gold", rank: 2, metric: "spend", windowDays: 365, minValue: 400_000 },
      { tier: "platinum", rank: 3, metric: "points", windowDays: 365, minValue: 8000 },
    ],
  });
  await api("POST", "/api/v1/members/runs");
  // 积分抵现 at every till: 100 points = ¥1, at most half a sale, from 100 points (issue 18).
  await api("PUT", "/api/v1/members/points-rule", {
    enabled: true,
    pointsPerYuan: 100,
    maxSharePercent: 50,
    minBalance: 100,
    earnOnRedeemed: false,
  });
  const everyone = await api<{ id: number }>("POST", "/api/v1/members/segments", {
    name: "活跃会员 active",
    rule: { recencyDays: { max: 120 } },
  });
  await api("POST", "/api/v1/members/segments", {
    name: "流失预警 lapsing",
    rule: { recencyDays: { min: 60 } },
  });
  await api("POST", "/api/v1/members/segments", {
    name: "高价值 high value",
    rule: { rfm: { m: { min: 4 }, f: { min: 4 } } },
  });

  // The campaign: 30% held out; over the window everyone keeps their habit, and about 60% of
  // the treated come back once more with the coupon (a planted effect of about 0.6 basket).
  const campaign = await api<{ id: number }>("POST", "/api/v1/members/campaigns", {
    name: DEMO_CAMPAIGN,
    segmentId: everyone.id,
    promotionId: "P-MEMBER-20OFF",
    holdoutPercent: 30,
    seed: 2026,
    startsAt: new Date(campaignStart).toISOString(),
    endsAt: new Date(Date.now() + CAMPAIGN_TAIL_MS).toISOString(),
  });
  const groups = (
    await api<{ members: { memberId: string; treated: boolean }[] }>(
      "GET",
      `/api/v1/members/campaigns/${campaign.id}/members?limit=10000`,
    )
  ).members;
  const inWindow: unknown[] = [];
  for (const g of groups) {
    const h = habit.get(g.memberId)!;
    const visits = Math.round(h.perMonth * (0.6 + 0.8 * random()));
    const extra = g.treated && random() < 0.6 ? 1 : 0;
    for (let v = 0; v < visits + extra; v++)
      inWindow.push({
        memberId: g.memberId,
        storeId: h.store,
        saleId: `DEMO-W-${g.memberId}-${v}`,
        at: new Date(campaignStart + Math.floor(random() * 27 * DAY)).toISOString(),
        categories: [{ category: h.category, netFen: Math.round(h.basket * (0.5 + random())) }],
        coupons: v === visits ? 1 : 0,
      });
  }
  await api("POST", "/api/v1/members/history", { sales: inWindow });
  await api("POST", "/api/v1/members/runs");
}

interface EdgeHttp {
  id: string;
  http: string;
}

/**
 * While the demo campaign runs (first start): a dozen treated members shop at a real till (lane 9
 * of the first store, simulated devices, the supervisor's session): the member by their QR code,
 * a basket over ¥100, the campaign coupon, cash. The sales reach HQ like any other and their
 * coupon uses are the campaign's redemptions. Nothing happens when the campaign is over.
 */
export async function redeemDemoCampaign(api: Api, edges: EdgeHttp[], stopped: () => boolean): Promise<void> {
  const { campaigns } = await api<{ campaigns: { id: number; name: string; status: string }[] }>(
    "GET",
    "/api/v1/members/campaigns",
  );
  const c = campaigns.find((x) => x.name === DEMO_CAMPAIGN && x.status === "running");
  const edge = edges[0];
  if (!c || !edge) return;
  const { members } = await api<{
    members: { memberId: string; treated: boolean; couponCode: string | null }[];
  }>("GET", `/api/v1/members/campaigns/${c.id}/members?limit=10000`);
  const shoppers = members.filter((m) => m.treated && m.couponCode).slice(0, 12);
  // A packaged item of ¥20-60 (no scale needed), bought until the basket passes ¥100.
  const cat = demoCatalog();
  const sku = cat.products.find((p) => {
    const price = cat.prices.find((x) => x.sku === p.sku)?.windows[0]?.price ?? 0;
    return !p.weighed && price >= 2000 && price <= 6000;
  })?.sku;
  if (!sku) return;
  let token = "";
  const call = async <T = Record<string, unknown>>(method: string, path: string, body?: unknown) => {
    const res = await fetch(`${edge.http}/api/v1/lanes/9${path}`, {
      method,
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as T & { message?: string } };
  };
  // The store has its catalog, the members and the coupons once the supervisor can sign in and
  // the last shopper's member code is known there.
  for (let i = 0; !stopped() && i < 120; i++) {
    const r = await call<{ session?: { token: string }; shift?: unknown }>("POST", "/login", {
      cashierId: "9001",
      pin: "9999",
    });
    if (r.body.session) {
      token = r.body.session.token;
      if (!r.body.shift) await call("POST", "/shift/open", { float: 50000 });
      const last = shoppers.at(-1);
      if (!last || (await call("POST", "/member", { code: `MEMBER:${last.memberId}` })).status === 200) break;
    }
    await Bun.sleep(1000);
  }
  if (!token) return;
  await call("DELETE", "/member");
  let redeemed = 0;
  for (const m of shoppers) {
    if (stopped()) return;
    type View = { due: number; remaining: number };
    const add = async () => (await call<{ view?: View }>("POST", "/items", { sku, qty: 1 })).body.view;
    let view = await add();
    for (let k = 0; view && view.due < 11000 && k < 10; k++) view = await add();
    if (!view) break;
    await call("POST", "/member", { code: `MEMBER:${m.memberId}` });
    const coupon = await call<{ remaining: number }>("POST", "/coupons", { code: m.couponCode });
    if (coupon.status !== 200) console.log(`[campaign] coupon ${m.couponCode}: ${coupon.body.message}`);
    else redeemed++;
    const due = coupon.status === 200 ? coupon.body.remaining : view.remaining;
    await call("POST", "/tenders", { kind: "cash", received: Math.ceil(due / 10000) * 10000 });
  }
  console.log(`[campaign] ${redeemed} treated members used their ${DEMO_CAMPAIGN} coupon at ${edge.id}`);
}
