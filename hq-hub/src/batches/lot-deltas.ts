// Which dated lots an event from a store moves, pure (HQ's mirror of the store's lots: the store
// decides its FEFO draws and names them in the event; HQ sums them, so the order events reach it
// in does not matter). A store's word is checked before it is summed: lots only leave with units
// that leave (never more than the line's quantity, never added by a sale or a loss) and only
// arrive with units received. The undated rest is on-hand less the dated lots, so whatever a
// store leaves out stays right in total.
import { type AnyEnvelope, type LotDelta, UNDATED } from "@retail/protocol";

export interface SkuLotDeltas {
  sku: string;
  deltas: { batch: string; expiresOn: string; qty: number }[];
}

/** Dated deltas taking at most `n` units out: negative ones only, in order, cut at n. */
function leaving(declared: readonly LotDelta[] | undefined, n: number) {
  const out: SkuLotDeltas["deltas"] = [];
  let left = n;
  for (const d of declared ?? []) {
    if (left <= 0) break;
    if (d.batch === UNDATED || !d.expiresOn || d.qty >= 0) continue;
    const take = Math.min(-d.qty, left);
    out.push({ batch: d.batch, expiresOn: d.expiresOn, qty: -take });
    left -= take;
  }
  return out;
}

/** Dated deltas bringing at most `n` units in: positive ones only, in order, cut at n. */
function arriving(declared: readonly LotDelta[] | undefined, n: number) {
  const out: SkuLotDeltas["deltas"] = [];
  let left = n;
  for (const d of declared ?? []) {
    if (left <= 0) break;
    if (d.batch === UNDATED || !d.expiresOn || d.qty <= 0) continue;
    const take = Math.min(d.qty, left);
    out.push({ batch: d.batch, expiresOn: d.expiresOn, qty: take });
    left -= take;
  }
  return out;
}

export function lotDeltasOf(env: AnyEnvelope): SkuLotDeltas[] {
  const p = env.payload as { training?: boolean };
  if (p.training === true) return [];
  const out: SkuLotDeltas[] = [];
  const push = (sku: string, deltas: SkuLotDeltas["deltas"]) => {
    if (deltas.length > 0) out.push({ sku, deltas });
  };
  switch (env.type) {
    case "sale.completed":
      for (const l of env.payload.lines) push(l.sku, leaving(l.batches, l.qty));
      break;
    case "stock.counted":
      for (const l of env.payload.lines) push(l.sku, leaving(l.batches, Math.max(0, l.expected - l.counted)));
      break;
    case "receiving.confirmed":
      for (const l of env.payload.lines) push(l.sku, arriving(l.lots, l.qty));
      break;
  }
  return out;
}

/** The dated deltas of one of HQ's own movements (a transfer leaving or arriving). */
export function movementLotDeltas(
  qty: number,
  declared: readonly LotDelta[] | undefined,
): SkuLotDeltas["deltas"] {
  return qty < 0 ? leaving(declared, -qty) : arriving(declared, qty);
}
