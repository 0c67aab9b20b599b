// The member desk at the till: sign-up (one transaction with its member.enrolled event, the
// consents as shown with their time), found at once by phone and by member code, offline and
// after a restart; the sale carries the new member; hostile and duplicate input refused.
import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { MemberEnrolledV1 } from "@retail/protocol";
import type { Edge } from "../edge.ts";
import { EdgeError } from "../errors.ts";
import { gtinOf, openLane, readyEdge, tempDir } from "../testing/fixtures.ts";

setDefaultTimeout(120_000);
const edges: Edge[] = [];
afterEach(async () => {
  for (const e of edges.splice(0)) await e.stop().catch(() => {});
});
const WORDING = "我已阅读并同意《会员服务协议》和《隐私政策》。";
const MARKETING = "我同意接收会员优惠信息（短信、小程序推送）。";

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof EdgeError) return `${e.code}:${e.field}`;
    throw e;
  }
  return "none";
}

describe("member desk", () => {
  test("sign-up: the member is on the sale at once, its event carries the consents; found by phone and code after a restart", async () => {
    const dir = tempDir();
    const edge = await readyEdge({ products: 20, dataDir: dir });
    edges.push(edge);
    await openLane(edge);
    await edge.scanner.scan("1", gtinOf(3));
    const v = edge.members.signUp("1", {
      phone: "13911112222",
      name: "王芳",
      membershipWording: WORDING,
      marketing: { granted: false, wording: MARKETING },
    });
    const id = v.cart.member!.id;
    expect(id).toMatch(/^[A-Z0-9]+-M[A-Z0-9]+$/);
    expect(v.cart.member).toMatchObject({ phone: "13911112222", name: "王芳", tier: "regular" });
    const rows = edge.outbox
      .range(1, Number.MAX_SAFE_INTEGER, 1000)
      .filter((r) => r.type === "member.enrolled");
    expect(rows.length).toBe(1);
    const p = MemberEnrolledV1.parse(JSON.parse(rows[0]!.envelope).payload);
    expect(p).toMatchObject({ memberId: id, phone: "13911112222", laneId: "1", cashierId: "1001" });
    expect(p.consents.map((c) => [c.purpose, c.granted, c.wording])).toEqual([
      ["membership", true, WORDING],
      ["marketing", false, MARKETING],
    ]);
    // Signed up twice: refused, naming the phone (and a phone HQ's catalog has, too).
    expect(code(() => edge.members.signUp("1", { phone: "13911112222", membershipWording: WORDING }))).toBe(
      "conflict:phone",
    );
    expect(code(() => edge.members.signUp("1", { phone: "13800138000", membershipWording: WORDING }))).toBe(
      "conflict:phone",
    );
    const sale = edge.sales.tenderCash("1", 100000).sale!;
    expect(sale.member).toEqual({ id, tier: "regular" });
    await edge.stop();
    edges.length = 0;

    const again = await readyEdge({ products: 20, dataDir: dir });
    edges.push(again);
    await openLane(again);
    expect(again.members.attach("1", { phone: "13911112222" }).cart.member?.id).toBe(id);
    again.basket.clearMember("1");
    // The member's QR code at the scanner, and typed into the member dialog.
    const scanned = await again.scanner.scan("1", `MEMBER:${id}`);
    expect(scanned.kind).toBe("member");
    expect(scanned.view.cart.member?.id).toBe(id);
    expect(again.members.attach("1", { code: "MEMBER:M001" }).cart.member).toMatchObject({
      id: "M001",
      tier: "gold",
    });
  });

  test("hostile: unknown and malformed codes, unknown phones, no cashier signed in", async () => {
    const edge = await readyEdge({ products: 5 });
    edges.push(edge);
    expect(code(() => edge.members.signUp("1", { phone: "13911113333", membershipWording: WORDING }))).toBe(
      "conflict:cashier",
    );
    await openLane(edge);
    expect(code(() => edge.members.attach("1", { code: "MEMBER:NOPE" }))).toBe("not_found:memberCode");
    expect(code(() => edge.members.attach("1", { code: "MEMBER:'; DROP TABLE members;--" }))).toBe(
      "invalid:memberCode",
    );
    expect(code(() => edge.members.attach("1", { phone: "13000000000" }))).toBe("not_found:phone");
    expect(
      edge.outbox.range(1, Number.MAX_SAFE_INTEGER, 1000).some((r) => r.type === "member.enrolled"),
    ).toBe(false);
  });
});
