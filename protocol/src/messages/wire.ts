// Bytes to JSON for every parser of the wire: size, UTF-8, JSON and its bounded walk.
import type { z } from "zod";
import { jsonValueProblem, wellFormed } from "../json-guard.ts";
import { MessageError } from "./limits.ts";

export const encoder = new TextEncoder();
export const decoder = new TextDecoder("utf-8", { fatal: true });

export function byteLength(raw: string | Uint8Array): number {
  return typeof raw === "string" ? encoder.encode(raw).byteLength : raw.byteLength;
}

export function firstIssue(err: z.ZodError, prefix: string): { field: string; message: string } {
  const issue = err.issues[0]!;
  const path = [prefix, ...issue.path.map(String)].filter(Boolean).join(".");
  return { field: path, message: issue.message };
}

export function decodeJson(raw: string | Uint8Array, limit: number): unknown {
  const size = byteLength(raw);
  if (size > limit)
    throw new MessageError("too_large", "", `message of ${size} bytes exceeds the ${limit}-byte limit`);
  let text: string;
  try {
    text = typeof raw === "string" ? raw : decoder.decode(raw);
  } catch {
    throw new MessageError("bad_json", "", "not valid UTF-8");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    // Anything JSON.parse throws (a syntax error, or a RangeError on an engine with a
    // recursive parser) is the message's fault.
    throw new MessageError("bad_json", "", `not valid JSON: ${(e as Error).message}`);
  }
  // A lone surrogate can only come from a \u escape, or (string input) from the string itself:
  // the bounded walk runs then, off the hot path of well-formed bytes from the broker. Depth is
  // checked where something recursive would meet it (parseEventBatch); the schemas themselves
  // descend no deeper than they are.
  if (text.includes("\\u") || (typeof raw === "string" && !wellFormed(text))) {
    const problem = jsonValueProblem(value);
    if (problem) throw new MessageError("bad_json", problem.path, problem.message);
  }
  return value;
}
