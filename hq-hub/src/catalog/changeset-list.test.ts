import { describe, expect, test } from "bun:test";
import { ChangesetListQuery, pageChangesets } from "./changeset-list.ts";

type Cs = { id: number; kind: string; state: string; description: string; createdBy: string };
// A day at a chain: a catalog change set now and then among the minutely member-balance syncs.
const all: Cs[] = Array.from({ length: 300 }, (_, i) => {
  const id = i + 1;
  return id % 10 === 0
    ? {
        id,
        kind: "catalog",
        state: id % 20 === 0 ? "released" : "draft",
        description: `调价 ${id}`,
        createdBy: "zhang",
      }
    : { id, kind: "members", state: "released", description: "member balances", createdBy: "hub" };
});
const q = (raw: Record<string, string>) => ChangesetListQuery.parse(raw);
const every = () => true;

describe("the change-set list at chain scale", () => {
  test("newest first, member-balance syncs hidden by default, the real total beside one page", () => {
    const page = pageChangesets(all, q({ limit: "5" }), every);
    expect(page.total).toBe(30);
    expect(page.rows.map((c) => c.id)).toEqual([300, 290, 280, 270, 260]);
    const next = pageChangesets(all, q({ limit: "5", offset: "5" }), every);
    expect(next.rows.map((c) => c.id)).toEqual([250, 240, 230, 220, 210]);
    const last = pageChangesets(all, q({ limit: "50", offset: "25" }), every);
    expect(last.rows.map((c) => c.id)).toEqual([50, 40, 30, 20, 10]);
  });

  test("by kind and state; everything when asked", () => {
    expect(pageChangesets(all, q({ kind: "members" }), every).total).toBe(270);
    expect(pageChangesets(all, q({ kind: "all" }), every).total).toBe(300);
    const drafts = pageChangesets(all, q({ state: "draft" }), every);
    expect(drafts.total).toBe(15);
    expect(drafts.rows.every((c) => c.state === "draft")).toBe(true);
  });

  test("words in the description or creator, or the change set's number", () => {
    expect(pageChangesets(all, q({ q: "调价 12" }), every).rows.map((c) => c.id)).toEqual([120]);
    expect(pageChangesets(all, q({ q: "ZHANG" }), every).total).toBe(30);
    expect(pageChangesets(all, q({ q: "#40" }), every).rows.map((c) => c.id)).toEqual([40]);
    expect(pageChangesets(all, q({ q: "nothing like this" }), every).total).toBe(0);
  });

  test("only what the caller may see is counted (a regional manager's total is its own)", () => {
    const page = pageChangesets(all, q({ limit: "2" }), (c) => c.id % 100 === 0);
    expect(page).toEqual({ total: 3, rows: [all[299]!, all[199]!] });
  });

  test("hostile queries are refused: a huge page, a negative offset, an unknown state", () => {
    expect(ChangesetListQuery.safeParse({ limit: "100000" }).success).toBe(false);
    expect(ChangesetListQuery.safeParse({ offset: "-1" }).success).toBe(false);
    expect(ChangesetListQuery.safeParse({ state: "gone" }).success).toBe(false);
    expect(ChangesetListQuery.safeParse({ q: "x".repeat(201) }).success).toBe(false);
  });
});
