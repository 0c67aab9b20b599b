// The forecast's accuracy beside seasonal naive (`npm run bench -- forecast`): a generated
// history with known structure (synthetic.ts: 5 categories x 5 SKUs x 4 stores, 2022-2025,
// holidays, promotions, stock-outs), rolling origin over 2025 (26 origins 14 days apart, each
// forecasting 14 days: lead time + review period), scored on the days not stocked out.
import type { BenchRow } from "@retail/protocol";
import { dayNumber } from "./calendar.ts";
import { rollingOrigin } from "./evaluate.ts";
import { syntheticHistory } from "./synthetic.ts";

export function benchForecast(): BenchRow[] {
  const histories = syntheticHistory({
    seed: 17,
    start: "2022-01-01",
    days: 4 * 365 + 1,
    stores: 4,
    skusPerCategory: 5,
  });
  const t0 = performance.now();
  const e = rollingOrigin(histories, { firstOrigin: "2025-01-01", step: 14, horizon: 14, origins: 26 });
  const ms = performance.now() - t0;
  // The floor: the planted mean of each day's demand as the forecast (no model can know the noise).
  const o0 = dayNumber("2025-01-01") - dayNumber("2022-01-01");
  let oAbs = 0;
  let oSum = 0;
  for (const h of histories)
    for (let t = o0; t < o0 + e.origins * 14; t++) {
      if (h.stockout[t]) continue;
      oAbs += Math.abs(h.units[t]! - h.expected[t]!);
      oSum += h.units[t]!;
    }
  const what = `${histories.length} series, ${e.origins} origins x 14 days, ${e.scoredDays} days scored`;
  console.error(
    `forecast: model WAPE ${e.model.wape.toFixed(4)} MASE ${e.model.mase.toFixed(4)}; seasonal naive (last week) WAPE ${e.seasonalNaive.wape.toFixed(4)} MASE ${e.seasonalNaive.mase.toFixed(4)}; year ago WAPE ${e.yearAgo.wape.toFixed(4)} MASE ${e.yearAgo.mase.toFixed(4)}; planted mean (the floor) WAPE ${(oAbs / oSum).toFixed(4)}; ${(ms / 1000).toFixed(1)} s`,
  );
  const row = (figure: string, m: number, peer: string, p: number): BenchRow => ({
    figure: `${figure} (${what})`,
    unit: "",
    median: m,
    p99: m,
    peer,
    peerMedian: p,
    ratio: m / p,
    target: "ratio < 1 (better than seasonal naive)",
    pass: m < p,
  });
  return [
    row("forecast WAPE", e.model.wape, "seasonal naive (same weekday last week) WAPE", e.seasonalNaive.wape),
    row("forecast MASE", e.model.mase, "seasonal naive (same weekday last week) MASE", e.seasonalNaive.mase),
    row("forecast WAPE", e.model.wape, "seasonal naive (same day 52 weeks before) WAPE", e.yearAgo.wape),
    {
      figure: `forecast fit + score, ${e.origins} origins x ${histories.length} series`,
      unit: "s",
      median: ms / 1000,
      p99: ms / 1000,
      target: "< 60 s",
      pass: ms < 60_000,
    },
  ];
}
