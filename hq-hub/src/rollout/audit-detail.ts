// What one line of a change set's audit trail says, as data (issue 19 item 6): a kind and its
// params, versioned (`v`), so the console says it in the reader's language instead of showing
// the English sentence the hub used to write. Each write keeps that sentence in `detail` too
// (API readers and the CLI read it), made from the same data by `auditSentence`. Rows written
// before the structure was kept (detail_json NULL) are read back from their sentence by
// `fromSentence`; a sentence it does not know stays `{ kind: "text" }` and is shown as written.
import { z } from "@hono/zod-openapi";
import { ENTITIES } from "../catalog/rules.ts";
import { ChangesetAboutV1 } from "./changeset-about.ts";

const IMPORTS = ["products", "barcodes", "prices", "packs"] as const;
const v = z.literal(1);

export const ChangesetAuditDetailV1 = z
  .discriminatedUnion("kind", [
    /**
     * A change set made, with its description (user text, not translated); `about`, added when
     * read: what a change set the hub made by itself is about (changeset-about.ts).
     */
    z.object({
      v,
      kind: z.literal("created"),
      description: z.string(),
      about: ChangesetAboutV1.nullable().optional(),
    }),
    /** The compensating change set of a rollback, made for change set `changesetId`. */
    z.object({ v, kind: z.literal("compensates"), changesetId: z.number().int() }),
    /** One record written into the draft (upsert) or removed from it. */
    z.object({
      v,
      kind: z.literal("record"),
      op: z.enum(["upsert", "delete"]),
      entity: z.enum(ENTITIES),
      key: z.string(),
    }),
    /** A CSV import wrote `rows` records. */
    z.object({ v, kind: z.literal("import"), importKind: z.enum(IMPORTS), rows: z.number().int() }),
    /** Released to these pilot stores (none: no pilot store in the target). */
    z.object({ v, kind: z.literal("pilot"), stores: z.array(z.string()) }),
    /** Released or promoted to the whole target. */
    z.object({ v, kind: z.literal("whole_target") }),
    /** Rolled back: compensated by change set `changesetId`. */
    z.object({ v, kind: z.literal("compensated_by"), changesetId: z.number().int() }),
    z.object({ v, kind: z.literal("points_rule") }),
    z.object({
      v,
      kind: z.literal("coupons_issued"),
      count: z.number().int(),
      promotionId: z.string(),
    }),
    /** `reason` is the text the user typed. */
    z.object({ v, kind: z.literal("coupons_voided"), count: z.number().int(), reason: z.string() }),
    /** A sentence of an older hub this reader does not know: shown as written. */
    z.object({ v, kind: z.literal("text"), text: z.string() }),
  ])
  .openapi("ChangesetAuditDetailV1");
export type ChangesetAuditDetail = z.infer<typeof ChangesetAuditDetailV1>;

/** Distributes over the union, so each kind keeps its own params. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A detail as a writer gives it (the version is added here). */
export type AuditDetailInput = DistributiveOmit<ChangesetAuditDetail, "v">;

export function auditDetail(d: AuditDetailInput): ChangesetAuditDetail {
  return { v: 1, ...d } as ChangesetAuditDetail;
}

/** The English sentence kept in `detail`: the exact words the hub wrote before it kept the data. */
export function auditSentence(d: AuditDetailInput): string {
  switch (d.kind) {
    case "created":
      return d.description;
    case "compensates":
      return `compensates change set ${d.changesetId}`;
    case "record":
      return `${d.op} ${d.entity} ${d.key}`;
    case "import":
      return `import ${d.importKind}: ${d.rows} rows`;
    case "pilot":
      return `to pilot stores: ${d.stores.join(",") || "none"}`;
    case "whole_target":
      return "to the whole target";
    case "compensated_by":
      return `compensated by change set ${d.changesetId}`;
    case "points_rule":
      return "points rule";
    case "coupons_issued":
      return `issue ${d.count} coupons for ${d.promotionId}`;
    case "coupons_voided":
      return `void ${d.count} coupons: ${d.reason}`;
    case "text":
      return d.text;
  }
}

const entities = ENTITIES.join("|");
const imports = IMPORTS.join("|");
const SENTENCES: [RegExp, (m: RegExpExecArray) => AuditDetailInput][] = [
  [
    new RegExp(`^(upsert|delete) (${entities}) (.+)$`, "s"),
    (m) => ({
      kind: "record",
      op: m[1] as "upsert" | "delete",
      entity: m[2] as (typeof ENTITIES)[number],
      key: m[3]!,
    }),
  ],
  [
    new RegExp(`^import (${imports}): (\\d+) rows$`),
    (m) => ({ kind: "import", importKind: m[1] as (typeof IMPORTS)[number], rows: Number(m[2]) }),
  ],
  [/^to pilot stores: (.*)$/s, (m) => ({ kind: "pilot", stores: m[1] === "none" ? [] : m[1]!.split(",") })],
  [/^to the whole target$/, () => ({ kind: "whole_target" })],
  [/^compensated by change set (\d+)$/, (m) => ({ kind: "compensated_by", changesetId: Number(m[1]) })],
  [/^points rule$/, () => ({ kind: "points_rule" })],
  [
    /^issue (\d+) coupons for (.+)$/s,
    (m) => ({ kind: "coupons_issued", count: Number(m[1]), promotionId: m[2]! }),
  ],
  [/^void (\d+) coupons: (.*)$/s, (m) => ({ kind: "coupons_voided", count: Number(m[1]), reason: m[2]! })],
];

/**
 * A row written before the data was kept, read from its sentence. A "create" row's sentence is
 * the description a user typed (or the rollback's own words); other actions' sentences are the
 * hub's; anything else is kept as text.
 */
export function fromSentence(action: string, sentence: string): ChangesetAuditDetail {
  if (action === "create") {
    const m = /^compensates change set (\d+)$/.exec(sentence);
    return auditDetail(
      m ? { kind: "compensates", changesetId: Number(m[1]) } : { kind: "created", description: sentence },
    );
  }
  for (const [re, make] of SENTENCES) {
    const m = re.exec(sentence);
    if (m) return auditDetail(make(m));
  }
  return auditDetail({ kind: "text", text: sentence });
}

/** A stored row's detail: its kept data when valid, else read from its sentence. */
export function readAuditDetail(action: string, sentence: string, json: string | null): ChangesetAuditDetail {
  if (json !== null) {
    try {
      const r = ChangesetAuditDetailV1.safeParse(JSON.parse(json));
      if (r.success) return r.data;
    } catch {
      // A damaged or newer row falls back to its sentence, which every row has.
    }
  }
  return fromSentence(action, sentence);
}
