// Import cycles inside a package: two modules that import each other (directly or through
// others) cannot be understood, tested or moved apart. Type-only imports count: a cycle of
// types is the same knot. Pure: the caller reads the files, this finds the cycles.
import { existsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";

/** Each module's relative imports, resolved to files: file -> files it imports. */
export type ImportGraph = Map<string, string[]>;

const relativeImportRe =
  /(?:import|export)\s[^'"]*?from\s*["'](\.[^"']*)["']|import\(\s*["'](\.[^"']*)["']\s*\)|^\s*import\s*["'](\.[^"']*)["']/gm;

/** The relative specifiers a source imports (import, import type, export from, import()). */
export function relativeImports(text: string): string[] {
  return [...text.matchAll(relativeImportRe)].map((m) => m[1] ?? m[2] ?? m[3] ?? "");
}

/** The file a relative specifier names: as written, or with .ts / index.ts (bundler resolution). */
export function resolveImport(from: string, spec: string, exists = existsSync): string | undefined {
  const base = resolve(dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, `${base}/index.ts`])
    if (exists(candidate) && (candidate === base ? isFile(candidate) : true)) return candidate;
  return undefined;
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/**
 * Every cycle, one per strongly connected component of more than one module (or a module that
 * imports itself), as the path that closes it: [a, b, c, a]. Tarjan's algorithm, iterative.
 */
export function findCycles(graph: ImportGraph): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  for (const start of [...graph.keys()].sort()) {
    if (index.has(start)) continue;
    const work: { node: string; edge: number }[] = [{ node: start, edge: 0 }];
    index.set(start, next);
    low.set(start, next++);
    stack.push(start);
    onStack.add(start);
    while (work.length) {
      const top = work[work.length - 1]!;
      const edges = graph.get(top.node) ?? [];
      if (top.edge < edges.length) {
        const to = edges[top.edge++]!;
        if (!index.has(to)) {
          index.set(to, next);
          low.set(to, next++);
          stack.push(to);
          onStack.add(to);
          work.push({ node: to, edge: 0 });
        } else if (onStack.has(to)) low.set(top.node, Math.min(low.get(top.node)!, index.get(to)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(top.node)!));
      if (low.get(top.node) === index.get(top.node)) {
        const component: string[] = [];
        let n: string;
        do {
          n = stack.pop()!;
          onStack.delete(n);
          component.push(n);
        } while (n !== top.node);
        const selfLoop = (graph.get(top.node) ?? []).includes(top.node);
        if (component.length > 1 || selfLoop) components.push(component);
      }
    }
  }
  return components.map((c) => cyclePath(graph, new Set(c)));
}

/** A closed path through a component, from its first module in sort order (breadth-first). */
function cyclePath(graph: ImportGraph, members: Set<string>): string[] {
  const start = [...members].sort()[0]!;
  const prev = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const n = queue.shift()!;
    for (const to of graph.get(n) ?? []) {
      if (!members.has(to)) continue;
      if (to === start) {
        const path = [start];
        for (let at: string | undefined = n; at && at !== start; at = prev.get(at)) path.splice(1, 0, at);
        return [...path, start];
      }
      if (!prev.has(to)) {
        prev.set(to, n);
        queue.push(to);
      }
    }
  }
  return [start, start];
}
