// The change-set list at chain scale (issue 19 item 2): newest first, filtered by kind (the
// minutely member-balance syncs are hidden unless asked), state and words, paged with the real
// total. Pure: over the cached list of change sets (rollout/changesets.ts keeps it in memory).
import { z } from "@hono/zod-openapi";

export const ChangesetListQuery = z.object({
  kind: z.enum(["catalog", "members", "all"]).default("catalog"),
  state: z.enum(["draft", "pilot", "released", "rolled_back"]).optional(),
  /** Words in the description or creator, or a change set's number ("#12" or "12"). */
  q: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});
export type ChangesetListQuery = z.output<typeof ChangesetListQuery>;

interface Listed {
  id: number;
  kind: string;
  state: string;
  description: string;
  createdBy: string;
}

export function pageChangesets<T extends Listed>(
  all: readonly T[],
  query: ChangesetListQuery,
  visible: (cs: T) => boolean,
): { rows: T[]; total: number } {
  const words = query.q?.trim().toLowerCase() ?? "";
  const number = /^#?(\d+)$/.exec(words)?.[1];
  const hits: T[] = [];
  // Newest first: the cached list is oldest first, so walk it backwards.
  for (let i = all.length - 1; i >= 0; i--) {
    const cs = all[i]!;
    if (query.kind !== "all" && cs.kind !== query.kind) continue;
    if (query.state && cs.state !== query.state) continue;
    if (
      words &&
      !(number !== undefined && cs.id === Number(number)) &&
      !cs.description.toLowerCase().includes(words) &&
      !cs.createdBy.toLowerCase().includes(words)
    )
      continue;
    if (!visible(cs)) continue;
    hits.push(cs);
  }
  return { rows: hits.slice(query.offset, query.offset + query.limit), total: hits.length };
}
