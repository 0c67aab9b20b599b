// Member purchase history from the chain's previous loyalty system (and the demo's seed): past
// member sales written to the profiles exactly as ingest writes a sale (profile.ts), each at
// most once (store + sale id), so an import run twice adds nothing.
import { IsoTime } from "@retail/protocol";
import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import { members } from "../db/schema.ts";
import { ValidationError } from "../errors.ts";
import { pointsFor } from "../ingest/effects.ts";
import { applySaleFacts } from "./profile.ts";

const Code = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, "1-40 letters, digits, '-' or '_'");
const MAX_FEN = 100_000_000; // 1,000,000 yuan: no member basket is bigger

export const HistorySale = z.strictObject({
  memberId: z.string().min(1).max(40),
  storeId: Code,
  saleId: z.string().min(1).max(64),
  at: IsoTime,
  categories: z
    .array(z.strictObject({ category: Code, netFen: z.int().min(0).max(MAX_FEN) }))
    .min(1)
    .max(50),
  coupons: z.int().min(0).max(20).default(0),
});
export const HistoryInput = z.strictObject({ sales: z.array(HistorySale).min(1).max(5000) });
export type HistoryInput = z.infer<typeof HistoryInput>;

export function importHistory(db: Sqlite, now: Date, input: HistoryInput) {
  const known = openDrizzle(db)
    .select({ id: members.id })
    .from(members)
    .where(eq(members.id, sql.placeholder("id")))
    .prepare();
  input.sales.forEach((s, i) => {
    if (Date.parse(s.at) > now.getTime()) throw new ValidationError(`sales.${i}.at`, "a sale in the future");
    if (!known.get({ id: s.memberId }))
      throw new ValidationError(`sales.${i}.memberId`, `unknown member ${s.memberId}`);
  });
  let added = 0;
  db.transaction(() => {
    for (const s of input.sales) {
      const netFen = s.categories.reduce((a, c) => a + c.netFen, 0);
      const ok = applySaleFacts(db, {
        memberId: s.memberId,
        storeId: s.storeId,
        saleId: s.saleId,
        at: new Date(s.at).toISOString(),
        netFen,
        points: pointsFor(netFen),
        coupons: s.coupons,
        categories: s.categories.map((c) => ({ ...c, lines: 1 })),
      });
      if (ok) added++;
    }
  })();
  return { received: input.sales.length, added, duplicates: input.sales.length - added };
}
