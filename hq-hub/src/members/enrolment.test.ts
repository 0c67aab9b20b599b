// Members signed up at the till reach HQ as member.enrolled ledger events over real MQTT: the
// member is created once with its consents (wording and time as shown), sent to every store; the
// same phone signed up at a second store is a duplicate naming the first; a sign-up or a late
// sale arriving after the member was erased brings no one back; a sale naming a member id HQ
// never had moves no points.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { MemberEnrolledV1, type Payload } from "@retail/protocol";
import {
  api,
  connectStore,
  enrollStore,
  event,
  type StoreClient,
  saleEvent,
  startTestHub,
} from "../test-kit.ts";

setDefaultTimeout(60_000);

let hub: Awaited<ReturnType<typeof startTestHub>>;
let s1: StoreClient;
let s2: StoreClient;
const seq = { S1: 0, S2: 0 };
const WORDING = "我已阅读并同意《会员服务协议》和《隐私政策》。";

function enrolled(memberId: string, phone: string): Payload<"member.enrolled"> {
  return {
    memberId,
    phone,
    name: "王芳",
    laneId: "1",
    cashierId: "1001",
    consents: [
      { purpose: "membership", granted: true, wording: WORDING, at: "2026-12-01T10:00:00.000+08:00" },
      {
        purpose: "marketing",
        granted: true,
        wording: "我同意接收会员优惠信息。",
        at: "2026-12-01T10:00:01.000+08:00",
      },
    ],
    enrolledAt: "2026-12-01T10:00:02.000+08:00",
  };
}

async function send(store: StoreClient, id: "S1" | "S2", ...envs: ReturnType<typeof event>[]) {
  await store.publishEvents(envs);
  const upTo = seq[id];
  await store.next("events.ack", (a) => a.payload.upToSeq >= upTo);
}

beforeAll(async () => {
  hub = await startTestHub();
  s1 = await connectStore(await enrollStore(hub, "S1"));
  s2 = await connectStore(await enrollStore(hub, "S2"));
});
afterAll(async () => {
  await s1.close();
  await s2.close();
  await hub.cleanup();
});

describe("member sign-up at the till", () => {
  test("created once with its consents, sent to every store; a sale under the new id earns points", async () => {
    const e = event("member.enrolled", "S1", ++seq.S1, enrolled("S1-MNEW1", "13600000001"));
    await send(s1, "S1", e, e);
    await send(s1, "S1", e); // a redelivery
    const m = (await api(hub, "GET", "/api/v1/members/S1-MNEW1")).body;
    expect(m.phone).toBe("13600000001");
    expect(m.tier).toBe("regular");
    const consents = (await api(hub, "GET", "/api/v1/members/S1-MNEW1/consents")).body.history.toReversed();
    expect(
      consents.map((c: { purpose: string; wording: string; at: string; recordedBy: string }) => [
        c.purpose,
        c.wording,
        c.at,
        c.recordedBy,
      ]),
    ).toEqual([
      ["membership", WORDING, "2026-12-01T02:00:00.000Z", "store S1 cashier 1001"],
      ["marketing", "我同意接收会员优惠信息。", "2026-12-01T02:00:01.000Z", "store S1 cashier 1001"],
    ]);
    expect(
      hub.db.prepare("SELECT COUNT(*) AS n FROM member_consents WHERE member_id = 'S1-MNEW1'").get(),
    ).toEqual({ n: 2 });
    // The member sync sends the new member to every store.
    const sync = await api(hub, "POST", "/api/v1/members/sync");
    expect(sync.status).toBe(200);
    const item = hub.db
      .prepare("SELECT data_json AS data FROM changeset_items WHERE entity = 'member' AND key = 'S1-MNEW1'")
      .get() as { data: string };
    expect(JSON.parse(item.data)).toMatchObject({ id: "S1-MNEW1", phone: "13600000001", status: "active" });

    await send(
      s1,
      "S1",
      saleEvent("S1", ++seq.S1, {
        member: { id: "S1-MNEW1", tier: "regular" },
        unitPrice: 1000,
        lines: 3,
      }) as never,
    );
    expect((await api(hub, "GET", "/api/v1/members/S1-MNEW1")).body.points).toBe(30);
  });

  test("the same phone signed up at a second store: a duplicate naming the first, nothing created", async () => {
    await send(s2, "S2", event("member.enrolled", "S2", ++seq.S2, enrolled("S2-MDUP", "13600000001")));
    expect((await api(hub, "GET", "/api/v1/members/S2-MDUP")).status).toBe(404);
    expect(
      hub.db
        .prepare(
          "SELECT outcome, existing_member_id AS existing FROM member_enrolments WHERE member_id = 'S2-MDUP'",
        )
        .get(),
    ).toEqual({ outcome: "duplicate_phone", existing: "S1-MNEW1" });
  });

  test("a sign-up without the membership consent or with a bad phone is refused by the schema", () => {
    const bad = enrolled("S1-MBAD", "13600000009");
    bad.consents = [
      { purpose: "marketing", granted: true, wording: "我同意接收会员优惠信息。", at: bad.enrolledAt },
    ];
    expect(MemberEnrolledV1.safeParse(bad).success).toBe(false);
    expect(MemberEnrolledV1.safeParse({ ...enrolled("S1-MBAD", "23600000009") }).success).toBe(false);
    expect(MemberEnrolledV1.safeParse(enrolled("S1-MOK", "13600000009")).success).toBe(true);
  });

  test("erasure racing an offline store: its late sale and a late sign-up bring no one back, no points", async () => {
    await send(s1, "S1", event("member.enrolled", "S1", ++seq.S1, enrolled("S1-MGONE", "13600000002")));
    expect((await api(hub, "POST", "/api/v1/members/S1-MGONE/erase", {})).status).toBe(200);
    // S2 was offline: a sale it made for the member (before the erasure reached it) arrives now.
    const late = saleEvent("S2", ++seq.S2, {
      member: { id: "S1-MGONE", tier: "regular" },
      unitPrice: 5000,
      lines: 1,
    });
    await send(s2, "S2", late as never);
    expect((await api(hub, "GET", "/api/v1/members/S1-MGONE")).status).toBe(404);
    expect(
      hub.db
        .prepare("SELECT COUNT(*) AS n FROM members WHERE id = 'S1-MGONE' OR phone = '13600000002'")
        .get(),
    ).toEqual({ n: 0 });
    expect(
      hub.db.prepare("SELECT COUNT(*) AS n FROM member_profiles WHERE member_id = 'S1-MGONE'").get(),
    ).toEqual({ n: 0 });
    // The sale itself is kept (erasure keeps sales), under the bare id.
    expect(
      hub.db.prepare("SELECT member_id AS m FROM sales WHERE sale_id = ?").get(late.payload.saleId),
    ).toEqual({ m: "S1-MGONE" });
    // A second store's copy of the sign-up arriving late: recorded as erased, no one created.
    const again = enrolled("S1-MGONE", "13600000002");
    await send(s2, "S2", event("member.enrolled", "S2", ++seq.S2, again));
    expect(hub.db.prepare("SELECT COUNT(*) AS n FROM members WHERE phone = '13600000002'").get()).toEqual({
      n: 0,
    });
  });

  test("a forged member id in a sale moves no one's points", async () => {
    const before = (await api(hub, "GET", "/api/v1/members/S1-MNEW1")).body.points;
    await send(
      s1,
      "S1",
      saleEvent("S1", ++seq.S1, {
        member: { id: "FORGED-1", tier: "platinum" },
        unitPrice: 90000,
        lines: 1,
      }) as never,
    );
    expect((await api(hub, "GET", "/api/v1/members/S1-MNEW1")).body.points).toBe(before);
    expect(hub.db.prepare("SELECT COUNT(*) AS n FROM members WHERE id = 'FORGED-1'").get()).toEqual({ n: 0 });
    // Raised for a person as a finding naming the id; the erased member's late sale was not.
    const findings = (await api(hub, "GET", "/api/v1/price-findings")).body as {
      field: string;
      actual: string;
    }[];
    expect(findings.filter((f) => f.field === "member.id").map((f) => f.actual)).toEqual(["FORGED-1"]);
  });
});
