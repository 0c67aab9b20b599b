// Parent-category promotions. The engine matches a line's category (its product's leaf code)
// exactly (PRICING.md), so a promotion authored on "10" (饮料) must list the leaves under it
// before pricing. The till and the HQ audit both expand with this one function over the same
// catalog, so they price identically; expanding at pricing time (not when the promotion is
// written) also covers leaf categories created after the promotion.
import type { Promotion } from "./schema.ts";

/** Leaf codes under each category code, from product category paths (most general first). */
export type CategoryLeaves = ReadonlyMap<string, ReadonlySet<string>>;

export function categoryLeaves(paths: Iterable<readonly string[]>): Map<string, Set<string>> {
  const leaves = new Map<string, Set<string>>();
  for (const path of paths) {
    const leaf = path[path.length - 1];
    if (leaf === undefined) continue;
    for (const code of path) {
      const set = leaves.get(code);
      if (set) set.add(leaf);
      else leaves.set(code, new Set([leaf]));
    }
  }
  return leaves;
}

/**
 * The promotion with `categories` widened to every leaf under each listed code (the listed
 * codes are kept, so a leaf-level promotion is unchanged). Returns the same object when
 * nothing changes, so callers can cache by identity.
 */
export function expandCategories<P extends Promotion>(promotion: P, leaves: CategoryLeaves): P {
  const listed = promotion.categories;
  if (!listed) return promotion;
  const out = new Set(listed);
  for (const code of listed) for (const leaf of leaves.get(code) ?? []) out.add(leaf);
  if (out.size === listed.length) return promotion;
  return { ...promotion, categories: [...out] };
}

export function expandPromotionCategories<P extends Promotion>(
  promotions: readonly P[],
  leaves: CategoryLeaves,
): P[] {
  return promotions.map((p) => expandCategories(p, leaves));
}
