// Lifecycles as declared data: a table of (state, event) -> next state, and one function that
// applies it. Each lifecycle (change set, purchase order, store enrollment) declares its table
// beside its module; a transition the table does not list throws a TransitionError naming the
// state and the event, which the HTTP layer answers with 409 like any StateError.
import { StateError } from "./errors.ts";

/** state -> event -> next state. A missing entry is a refused transition. */
export type TransitionTable<S extends string, E extends string> = Readonly<
  Record<S, Readonly<Partial<Record<E, S>>>>
>;

/** The transition `event` is not allowed in `state` (for the entity `id`). */
export class TransitionError<S extends string = string, E extends string = string> extends StateError {
  override readonly name = "StateError";
  constructor(
    id: string,
    readonly state: S,
    readonly event: E,
    message: string,
    details?: Record<string, unknown>,
  ) {
    super(id, message, details);
  }
}

export interface Lifecycle<S extends string, E extends string> {
  readonly table: TransitionTable<S, E>;
  /** The next state, or a TransitionError naming the state and the event. */
  apply(id: string, state: S, event: E): S;
  /** Whether `event` is allowed in `state`. */
  allows(state: S, event: E): boolean;
  /** Events allowed in `state`, in the table's order. */
  eventsFrom(state: S): E[];
}

/**
 * A lifecycle over `table`. `refusal` words the error for a refused transition (the default
 * names the entity, its state and the event).
 */
export function defineLifecycle<S extends string, E extends string>(
  entity: string,
  table: TransitionTable<S, E>,
  refusal: (id: string, state: S, event: E) => string = (id, state, event) =>
    `${entity} ${id} is ${state}; ${event} is not allowed`,
): Lifecycle<S, E> {
  return {
    table,
    apply(id, state, event) {
      const next = table[state]?.[event];
      if (next === undefined) throw new TransitionError(id, state, event, refusal(id, state, event));
      return next;
    },
    allows: (state, event) => table[state]?.[event] !== undefined,
    eventsFrom: (state) => Object.keys(table[state] ?? {}) as E[],
  };
}
