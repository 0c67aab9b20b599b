// A lifecycle as a declared transition table: plain data, state x event -> next state, and
// what to answer for an event a state does not take. One function applies it, so a service
// asks "may this lane do that now?" in one line instead of its own scattered if-checks.
import { EdgeError } from "../errors.ts";

/** Why a state refuses an event: the input field at fault and the words the till shows. */
export interface Refusal {
  field: string;
  message: string;
}

export interface TransitionTable<S extends string, E extends string> {
  /** Which lifecycle this is (named in errors). */
  name: string;
  /** state -> event -> next state; an event missing from a state's row is refused. */
  next: { readonly [state in S]: { readonly [event in E]?: S } };
  /** state -> the refusal for its missing events, and per event where it needs other words. */
  refuse: { readonly [state in S]: Refusal & { readonly events?: { readonly [event in E]?: Refusal } } };
}

/**
 * An event the lifecycle's state does not take: a 409 conflict (as the if-checks it replaces
 * answered), naming the lifecycle, the state and the event.
 */
export class TransitionError<S extends string = string, E extends string = string> extends EdgeError {
  constructor(
    readonly lifecycle: string,
    readonly state: S,
    readonly event: E,
    refusal: Refusal,
  ) {
    super("conflict", refusal.field, refusal.message);
  }
}

/** The state after `event`, or a TransitionError when `state` does not take it. */
export function transition<S extends string, E extends string>(
  table: TransitionTable<S, E>,
  state: S,
  event: E,
): S {
  const to = table.next[state][event];
  if (to !== undefined) return to;
  const r = table.refuse[state];
  throw new TransitionError(table.name, state, event, r.events?.[event] ?? r);
}

/** Whether `state` takes `event` (no error). */
export function allows<S extends string, E extends string>(
  table: TransitionTable<S, E>,
  state: S,
  event: E,
): boolean {
  return table.next[state][event] !== undefined;
}
