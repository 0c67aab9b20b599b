// The item-level step: apply the best item-level promotion, again and again, until none discounts.
import { type Candidate, type Evaluation, evaluate } from "./item-kinds.ts";
import { applyDiscount, type LineState } from "./line-state.ts";

/** Largest total discount first; ties: lower priority, then smaller id (code-unit order). */
function better(a: Candidate, ea: Evaluation, b: Candidate, eb: Evaluation): boolean {
  if (ea.total !== eb.total) return ea.total > eb.total;
  if (a.priority !== b.priority) return a.priority < b.priority;
  return a.promo.id < b.promo.id;
}

export function applyItemLevel(
  candidates: Candidate[],
  states: readonly LineState[],
  applied: string[],
): void {
  // Which candidates read each line, so applying one promotion only invalidates its neighbours.
  const readers: Candidate[][] = states.map(() => []);
  for (const c of candidates) for (const s of c.lines) readers[s.index]!.push(c);
  let open = candidates.slice();
  for (;;) {
    let best: Candidate | null = null;
    let bestEval: Evaluation | null = null;
    for (const c of open) {
      if (c.eval === null) c.eval = evaluate(c);
      if (best === null || better(c, c.eval, best, bestEval!)) {
        best = c;
        bestEval = c.eval;
      }
    }
    if (best === null || bestEval === null || bestEval.total <= 0) return;
    const ev = bestEval;
    for (let i = 0; i < ev.lines.length; i++) {
      const s = ev.lines[i]!;
      s.free -= ev.consumed[i]!;
      applyDiscount(s, best.promo.id, ev.amounts[i]!);
      for (const r of readers[s.index]!) r.eval = null;
    }
    applied.push(best.promo.id);
    const done = best;
    open = open.filter((c) => c !== done);
  }
}
