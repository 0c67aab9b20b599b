// One line of a benchmark report, the shape every package's bench returns so one runner can
// print and judge them all.

export type BenchRow = {
  /** What was measured, e.g. "priceBasket 60 lines x 300 promotions". */
  figure: string;
  /** Unit of median and p99, e.g. "ms". */
  unit: string;
  median: number;
  p99: number;
  /** A baseline measured in the same run, so machines of different speed compare fairly. */
  peer?: string;
  peerMedian?: number;
  /** median / peerMedian. */
  ratio?: number;
  /** The goal in words, e.g. "median < 1 ms". */
  target: string;
  pass: boolean;
};
