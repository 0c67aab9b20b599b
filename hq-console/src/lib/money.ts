// Money on screen: integer fen in, text out, with integer arithmetic only (no floats, no
// toFixed on a division): the hub sends every amount as whole fen. Formatting, parsing and sums
// are protocol's (one formatter for both UIs and the servers); the chart's bar width is ours.
import { formatYuanGrouped, sumFen as sumWholeFen } from "@retail/protocol";

export { formatYuanGrouped as formatFen, parseYuanInput as parseYuan } from "@retail/protocol";

/** Sum of fen amounts; throws rather than let a fractional or unsafe value slip into a total. */
export const sumFen = (values: readonly number[]): number => sumWholeFen(values);

/** Bar length in whole pixels for a chart: value/max of `width`, by integer math. */
export function barWidth(valueFen: number, maxFen: number, width: number): number {
  if (maxFen <= 0 || valueFen <= 0) return 0;
  return Math.floor((Math.min(valueFen, maxFen) * width) / maxFen);
}

/**
 * An ECharts value axis in fen: ticks on whole fen only (with small values ECharts would pick
 * 0.2, 0.4, ... and the fen formatter rightly refuses a fraction), labels as yuan.
 */
export const fenAxis = {
  type: "value",
  minInterval: 1,
  axisLabel: { formatter: (v: number) => formatYuanGrouped(Math.round(v)) },
} as const;
