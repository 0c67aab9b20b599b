// A bounded look at a parsed JSON value before anything recursive walks it. JavaScriptCore's
// JSON.parse copes with 100,000 nested arrays (its parser is iterative; V8's throws RangeError,
// which decodeJson reports as bad_json), but every recursive consumer after it (zod,
// JSON.stringify of a rejected element, canonical hashing) then throws RangeError "Maximum call
// stack size exceeded", which is not a MessageError and used to fail a whole group commit.
// Strings holding a lone UTF-16 surrogate (from a \u escape) are not Unicode; SQLite and every
// UTF-8 consumer would silently replace them. Both are refused here, naming where. The walk
// itself recurses at most `maxDepth` deep. (A scan of the text before parsing was measured at
// ~1.4x the cost of JSON.parse itself; this walk after it costs a fraction of the validation.)

/** No message of the protocol nests deeper than ~8 levels; this leaves room and bounds recursion. */
export const MAX_JSON_DEPTH = 32;

/** String.prototype.isWellFormed (ES2024; the project's TypeScript lib is older): no lone surrogate. */
export function wellFormed(s: string): boolean {
  return (s as unknown as { isWellFormed(): boolean }).isWellFormed();
}

export interface JsonValueProblem {
  /** Dotted path of the place ("0.payload.lines.1.name"); "" for the value itself. */
  path: string;
  message: string;
}

/**
 * The first reason a parsed JSON value may not be handled, or undefined: containers nested
 * deeper than `maxDepth`, or a string (value or key) with a lone surrogate.
 */
export function jsonValueProblem(value: unknown, maxDepth = MAX_JSON_DEPTH): JsonValueProblem | undefined {
  const path: (string | number)[] = [];
  const LONE = "a lone UTF-16 surrogate is not text";
  function walk(v: unknown, depth: number): string | undefined {
    if (typeof v === "string") return wellFormed(v) ? undefined : LONE;
    if (v === null || typeof v !== "object") return undefined;
    if (depth >= maxDepth) return `nested deeper than ${maxDepth} levels`;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        path.push(i);
        const p = walk(v[i], depth + 1);
        if (p) return p;
        path.pop();
      }
      return undefined;
    }
    // Own keys only (JSON.parse makes "__proto__" an own key, never the prototype).
    for (const k of Object.keys(v)) {
      path.push(k);
      if (!wellFormed(k)) return LONE;
      const p = walk((v as Record<string, unknown>)[k], depth + 1);
      if (p) return p;
      path.pop();
    }
    return undefined;
  }
  const message = walk(value, 0);
  if (message === undefined) return undefined;
  // A path 100,000 levels long says nothing more than its first levels.
  const shown = path.length > 8 ? [...path.slice(0, 8), "…"] : path;
  return {
    path: shown.map((p) => (typeof p === "string" && !wellFormed(p) ? "?" : String(p))).join("."),
    message,
  };
}
