// An item's supply picture for a store's till (supply.query -> supply.reply): the forecast of
// the days ahead from the store's demand model (forecast/ via replenishment/demand.ts) and the
// SKU's open transfers into or out of the store. Replenishment state (orders, ETA) already
// reaches the till as replenishment.status; nearby stock answers stock.query.
import type { Payload } from "@retail/protocol";
import type { ForecastDay } from "../forecast/model.ts";
import type { Transfers } from "./transfers.ts";

/** Days of forecast the till shows. */
export const TILL_FORECAST_DAYS = 7;

export function createSupply(deps: {
  transfers: Pick<Transfers, "openFor">;
  forecastOf: (storeId: string, sku: string, opts: { days: number }) => { forecast: ForecastDay[] };
  log: (line: string) => void;
}) {
  return function answer(storeId: string, q: Payload<"supply.query">): Payload<"supply.reply"> {
    let forecast: Payload<"supply.reply">["forecast"] = [];
    try {
      forecast = deps
        .forecastOf(storeId, q.sku, { days: TILL_FORECAST_DAYS })
        .forecast.map((d) => ({ day: d.day, units: Math.max(0, Math.round(d.units * 10) / 10) }));
    } catch (e) {
      // An unknown SKU or no history: the till shows "no forecast", the rest still answers.
      deps.log(`supply ${storeId}/${q.sku}: no forecast: ${(e as Error).message}`);
    }
    return { queryId: q.queryId, sku: q.sku, forecast, transfers: deps.transfers.openFor(storeId, q.sku) };
  };
}
