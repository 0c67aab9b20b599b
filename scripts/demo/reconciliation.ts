// The demo's payment reconciliation (`npm start`): the stores' simulated payment provider writes
// down every payment, refund and reversal it settled (store-edge's simulated-settlements.jsonl),
// and from that, as WeChat Pay and Alipay would the next morning, this renders the day's trade
// bill and 业务明细 (GBK) in their published formats with the contracted 0.38% fee, and imports
// them at HQ (console 支付对账). Today is reconciled every few minutes up to a quiet moment (no
// payment in the 2 s before it, so every payment before it has reached its sale); a finished
// day (yesterday's, when the demo ran past midnight or is started again) is imported whole and
// its fees and settlement are posted.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { mulDivRoundHalfUp } from "@retail/protocol";
import {
  encodeGbk,
  type PaidEntry,
  writeAlipayBill,
  writeWechatBill,
} from "../../hq-hub/src/reconciliation/bill-writer.ts";

interface Settled {
  provider: "wechat" | "alipay";
  kind: "payment" | "refund" | "reversed";
  storeId: string;
  transactionId: string;
  merchantOrderNo: string;
  refundId: string;
  amountFen: number;
  at: string;
}

const FEE_PPM = 3800; // 0.38%
const QUIET_MS = 2000;
const dayOf = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);
const beijing = (iso: string) =>
  new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 19).replace("T", " ");

function journal(dataDir: string, stores: string[]): Settled[] {
  const out: Settled[] = [];
  for (const id of stores) {
    const file = join(dataDir, id, "simulated-settlements.jsonl");
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, "utf8").split("\n"))
      if (line.trim())
        try {
          out.push(JSON.parse(line) as Settled);
        } catch {
          // a line cut by a crash mid-write: the payment is in no bill (a planted difference)
        }
  }
  return out.sort((a, b) => a.at.localeCompare(b.at));
}

/** The latest moment at or before `ms` with no payment in the QUIET_MS before it. */
function quietMoment(entries: Settled[], ms: number): number {
  let c = ms;
  for (let i = entries.length - 1; i >= 0; i--) {
    const t = Date.parse(entries[i]!.at);
    if (t > c) continue;
    if (c - t >= QUIET_MS) return c;
    c = t - 1;
  }
  return c;
}

function entriesOf(list: Settled[], provider: "wechat" | "alipay"): PaidEntry[] {
  return list
    .filter((s) => s.provider === provider && !(provider === "alipay" && s.kind === "reversed"))
    .map((s) => {
      const fee = s.kind === "reversed" ? 0 : mulDivRoundHalfUp(s.amountFen, FEE_PPM, 1_000_000);
      return {
        kind: s.kind,
        transactionId: s.transactionId,
        merchantOrderNo: s.merchantOrderNo.replace(/-/g, "").slice(0, 32),
        refundId: s.refundId,
        amountFen: s.amountFen,
        settledFen: s.amountFen,
        feeFen: s.kind === "refund" ? -fee : fee,
        at: beijing(s.at),
      };
    });
}

export function runReconciliation(
  hq: string,
  token: string,
  dataDir: string,
  stores: { id: string }[],
  stopped: () => boolean,
  everyMs = Number(process.env.DEMO_RECON_EVERY_MS ?? 180_000),
): Promise<void> {
  const o = { hq, token, dataDir, stores: stores.map((s) => s.id), stopped };
  const call = async (method: string, path: string, body?: Uint8Array | string) => {
    const res = await fetch(`${o.hq}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${o.token}`, "content-type": "application/octet-stream" },
      ...(body === undefined ? {} : { body }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
    return JSON.parse(text);
  };
  const posted = new Set<string>();

  async function reconcile(day: string, list: Settled[], until?: number) {
    for (const provider of ["wechat", "alipay"] as const) {
      const entries = entriesOf(list, provider);
      if (!entries.length) continue;
      const file =
        provider === "wechat" ? writeWechatBill(entries) : encodeGbk(writeAlipayBill(entries, { day }));
      const name = provider === "wechat" ? `wechat-tradebill-${day}.csv` : `alipay-ywmx-${day}.csv`;
      const q = new URLSearchParams({ source: provider, date: day, file: name, feeRate: "0.38" });
      if (until !== undefined) q.set("until", new Date(until).toISOString());
      const run = await call("POST", `/reconciliation/imports?${q}`, file);
      console.log(
        `[recon] ${provider} ${day}${until ? " so far" : ""}: ${run.entries} entries, ${run.differences} differences (console 支付对账)`,
      );
      if (until === undefined && !posted.has(`${provider}:${day}`)) {
        await call("POST", `/reconciliation/runs/${run.id}/post`);
        posted.add(`${provider}:${day}`);
      }
    }
  }

  return (async () => {
    for (let wait = Math.min(90_000, everyMs); !o.stopped(); wait = everyMs) {
      for (let t = 0; t < wait && !o.stopped(); t += 1000) await Bun.sleep(1000);
      if (o.stopped()) return;
      try {
        const all = journal(o.dataDir, o.stores);
        const now = Date.now();
        const today = dayOf(now);
        const yesterday = dayOf(now - 86_400_000);
        const done = all.filter((s) => dayOf(Date.parse(s.at)) === yesterday);
        if (done.length && !posted.has(`wechat:${yesterday}`) && !posted.has(`alipay:${yesterday}`))
          await reconcile(yesterday, done);
        const until = quietMoment(all, now - 60_000);
        const sofar = all.filter((s) => dayOf(Date.parse(s.at)) === today && Date.parse(s.at) <= until);
        if (sofar.length) await reconcile(today, sofar, until);
      } catch (e) {
        console.log(`[recon] ${(e as Error).message}`);
      }
    }
  })();
}
