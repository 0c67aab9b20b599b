// A sale or return above the chain's lowered money caps (hq-hub.json moneyCaps) but within the
// protocol's: the till committed it and was paid, so HQ books it like any other and raises a
// finding for a person (price_findings, beside the re-pricing audit). Dead-lettering it would
// lose a committed sale: a replay fails the same check. Pure.
import { type AnyEnvelope, capViolation, type MoneyCaps } from "@retail/protocol";
import type { Finding } from "./price-audit.ts";

export interface CapFinding extends Finding {
  /** The sale's id, or the return's. */
  docId: string;
  /** The sale's catalog version; 0 for a return (it carries none). */
  catalogVersion: number;
}

export function capFinding(env: AnyEnvelope, caps: MoneyCaps): CapFinding | undefined {
  if (env.type !== "sale.completed" && env.type !== "sale.returned") return undefined;
  const v = capViolation(env, caps);
  if (!v) return undefined;
  const field = v.field.replace(/^payload\./, "");
  const line = /^lines\.(\d+)\./.exec(field);
  const lineId = line ? env.payload.lines[Number(line[1])]?.lineId : undefined;
  const unit = v.cap === "qty" ? "" : " fen";
  return {
    docId: env.type === "sale.completed" ? env.payload.saleId : env.payload.returnId,
    catalogVersion: env.type === "sale.completed" ? env.payload.catalogVersion : 0,
    ...(lineId ? { lineId } : {}),
    field,
    expected: `at most ${v.limit}${unit}: the chain's cap moneyCaps.${v.cap} (${v.message})`,
    actual: String(v.value),
  };
}
