// The hub's API and its stored JSON answer with the columns' own (snake_case) names, as the SQL
// of earlier releases did. `snakeColumns(getTableColumns(t))` gives a drizzle selection whose
// keys are those names, typed.
export type SnakeColumns<T extends Record<string, { name: string }>> = {
  [K in keyof T as T[K] extends { _: { name: infer N extends string } } ? N : never]: T[K];
};

export function snakeColumns<T extends Record<string, { name: string }>>(columns: T): SnakeColumns<T> {
  return Object.fromEntries(Object.values(columns).map((c) => [c.name, c])) as SnakeColumns<T>;
}
