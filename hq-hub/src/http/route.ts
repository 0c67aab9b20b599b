// How a hub route is declared: once, with @hono/zod-openapi's createRoute (path, access, query,
// body and response schemas), registered in the OpenAPI registry the document is generated from,
// and served by one pipeline: token, role, body read under the route's limit, validation with the
// same schemas, the handler (a few lines: call the domain), the JSON answer. The error shapes are
// the hub's own ({ error, field, message } ...), not the validator's, so the pipeline validates
// itself instead of using zod-openapi's per-route validators.
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AuditBinding, RequestAudit } from "../audit/bound.ts";
import type { WriteRecord } from "../audit/log.ts";
import { fromZod, ValidationError } from "../errors.ts";
import type { ApiHub } from "./api-hub.ts";
import { type Access, authorize, type Principal } from "./auth.ts";
import { readBodyLimited } from "./body-limit.ts";
import type { Scope } from "./scope.ts";

export type Env = { Variables: { principal: Principal } };
type Method = "get" | "post" | "put" | "patch" | "delete";

/** The names of a path's `{params}`: "/a/{id}/b/{sku}" -> "id" | "sku". */
type ParamNames<P extends string> = P extends `${string}{${infer N}}${infer R}` ? N | ParamNames<R> : never;

export interface RouteSpec<P extends string, Q, B> {
  method: Method;
  path: P;
  summary: string;
  access: Access | "public";
  /** Group in the reference page (the business folder). */
  tag: string;
  query?: Q;
  body?: B;
  /** Body sent as text (CSV), read under the import limit; "bytes": a file in its own encoding (GBK...), handed over undecoded. */
  textBody?: boolean | "bytes";
  /** What a 200 answers. Named schemas (`.openapi("Name")`) become components and console types. */
  response: z.ZodType;
  /** Answers besides the common error ones, e.g. { 429: "rate limited" }. */
  otherResponses?: Record<number, string>;
}

export interface RouteInput<P extends string, Q, B> {
  c: Context<Env>;
  params: Record<ParamNames<P>, string>;
  query: Q extends z.ZodType ? z.output<Q> : Record<string, string>;
  /** A JSON body's value, a text body's string, or (textBody "bytes") the body's bytes as a Uint8Array. */
  body: B extends z.ZodType ? z.output<B> : string;
  principal: Principal;
}

export type Handler<P extends string, Q, B> = (input: RouteInput<P, Q, B>) => Promise<unknown> | unknown;

/** What each folder's routes.ts registers its routes with. */
export interface Router {
  route<
    P extends string,
    Q extends z.ZodObject | undefined = undefined,
    B extends z.ZodType | undefined = undefined,
  >(spec: RouteSpec<P, Q, B>, handler: Handler<P, Q, B>): void;
}

/** A business folder's routes.ts: registers its routes; `hub` parts are read per request. */
export type RouteModule = (r: Router, hub: ApiHub, scope: Scope) => void;

/**
 * Names a schema in the document (a component, and a type the console gets). zod-openapi adds
 * `.openapi()` to zod schemas built after it loaded; protocol schemas may be built before, so
 * its implementation is applied to them directly (it returns a named copy).
 */
export function named<T extends z.ZodType>(schema: T, name: string): T {
  const openapi = (z.ZodType.prototype as unknown as { openapi(this: T, name: string): T }).openapi;
  return openapi.call(schema, name);
}

/** The hub's error body (every 4xx/5xx the API answers). */
export const ApiErrorBody = z
  .looseObject({
    error: z.enum([
      "validation",
      "unauthorized",
      "forbidden",
      "not_found",
      "conflict",
      "too_large",
      "rate_limited",
      "internal",
    ]),
    field: z.string().optional(),
    message: z.string().optional(),
    reason: z.string().optional(),
    row: z.number().int().optional(),
    id: z.string().optional(),
    limit: z.number().int().optional(),
    retryAfterSec: z.number().int().optional(),
  })
  .openapi("ApiError");

/** `{ ok: true }`: what a route answers when it has nothing else to say. */
export const Ok = z.object({ ok: z.literal(true) }).openapi("Ok");

const ACCESS_TEXT = {
  public: "no token",
  read: "any role",
  write: "hq_admin or regional_manager (own region)",
  admin: "hq_admin",
} as const;

const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: ApiErrorBody } },
});

export interface RouterDeps {
  authenticate(header: string | undefined): Principal | undefined;
  /** A route's body limit in bytes (read per request: the hub's config is filled in later). */
  bodyLimit(spec: { access: Access | "public"; textBody?: boolean | "bytes" }): number;
  /** Check every answer against its response schema (tests: a mismatch is a 500 naming the field). */
  checkResponses: boolean;
  /** Records every write (any method but GET) once answered or refused: the audit log (audit/). */
  audit?(w: WriteRecord): void;
  /**
   * The audit row of a write committed in the write's own transaction (audit/bound.ts); when
   * given, `audit` is not used for writes.
   */
  auditBinding?: AuditBinding;
  /** The HTTP status an error thrown by a handler is answered with (app.ts). */
  errorStatus?(e: unknown): number;
}

/**
 * Where a write's record is read: the GET of the same path ("PATCH /stores/{id}"), or for an
 * action on a record ("POST /suppliers/{id}/deactivate") the GET of the record; a POST on a
 * collection creates (its GET is the whole list, not "before"). Undefined: no such read.
 */
export function twinOf(
  method: Method,
  path: string,
  reads: ReadonlySet<string>,
): { strip: boolean } | undefined {
  const hasParam = /\{\w+\}/.test(path);
  if (reads.has(path) && (method !== "post" || hasParam)) return { strip: false };
  const parent = /^(.*\{\w+\})\/[a-z-]+$/.exec(path)?.[1];
  if (method === "post" && parent && reads.has(parent)) return { strip: true };
  return undefined;
}

/** A write's record read as the caller (its before or after), or null. */
async function readTwin(app: OpenAPIHono<Env>, c: Context<Env>, strip: boolean): Promise<unknown> {
  const path = new URL(c.req.url).pathname;
  try {
    const res = await app.request(strip ? path.replace(/\/[^/]+$/, "") : path, {
      headers: { authorization: c.req.header("authorization") ?? "" },
    });
    return res.status === 200 ? await res.json() : null;
  } catch {
    return null;
  }
}

export function createRouter(app: OpenAPIHono<Env>, deps: RouterDeps): Router {
  /** The GET paths declared: a write on the same path is audited with what it read before and after. */
  const reads = new Set<string>();
  return {
    route(spec, handler) {
      if (spec.method === "get") reads.add(spec.path);
      const params = [...spec.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      const route = createRoute({
        method: spec.method,
        path: spec.path,
        summary: spec.summary,
        description: `Access: ${ACCESS_TEXT[spec.access]}`,
        tags: [spec.tag],
        ...(spec.access === "public" ? { security: [] } : {}),
        request: {
          ...(params.length
            ? { params: z.object(Object.fromEntries(params.map((p) => [p, z.string()]))) }
            : {}),
          ...(spec.query ? { query: spec.query } : {}),
          ...(spec.body
            ? { body: { required: true, content: { "application/json": { schema: spec.body } } } }
            : spec.textBody === "bytes"
              ? { body: { required: true, content: { "application/octet-stream": { schema: z.string() } } } }
              : spec.textBody
                ? { body: { required: true, content: { "text/csv": { schema: z.string() } } } }
                : {}),
        },
        responses: {
          200: { description: "OK", content: { "application/json": { schema: spec.response } } },
          400: errorResponse("Validation error: { error: validation, field, message }"),
          ...(spec.access === "public"
            ? {}
            : {
                401: errorResponse("No or bad token: { error: unauthorized, reason }"),
                403: errorResponse("Wrong role or region: { error: forbidden, reason }"),
              }),
          404: errorResponse("Not found: { error: not_found, message }"),
          409: errorResponse("Not allowed in the current state: { error: conflict, id, message }"),
          413: errorResponse("Body above the route's limit: { error: too_large, field: body, limit }"),
          ...Object.fromEntries(
            Object.entries(spec.otherResponses ?? {}).map(([code, text]) => [code, errorResponse(text)]),
          ),
        },
      });
      app.openAPIRegistry.registerPath(route);

      const name = `${spec.method.toUpperCase()} ${spec.path}`;
      app.on(spec.method.toUpperCase(), spec.path.replace(/\{(\w+)\}/g, ":$1"), async (c) => {
        const audit = spec.method === "get" ? undefined : deps.audit;
        let principal: Principal = { name: "anonymous", role: "auditor" };
        let body: unknown;
        let before: unknown;
        const recordOf = (status: number, rest: { error?: string; after?: unknown }): WriteRecord => ({
          actor: principal.name,
          role: spec.access === "public" ? "public" : principal.role,
          ...(principal.region ? { region: principal.region } : {}),
          method: spec.method.toUpperCase(),
          route: spec.path,
          tag: spec.tag,
          summary: spec.summary,
          path: `${new URL(c.req.url).pathname}${new URL(c.req.url).search}`,
          status,
          request: body,
          before,
          ...rest,
        });
        const binding = spec.method === "get" ? undefined : deps.auditBinding;
        const bound: RequestAudit | undefined = binding
          ? { base: () => recordOf(200, {}), closed: false }
          : undefined;
        const write = (status: number, rest: { error?: string; after?: unknown }) => {
          try {
            if (binding && bound) return binding.finish(bound, { status, ...rest });
            audit?.(recordOf(status, rest));
          } catch (e) {
            // The write stands (it is committed); a log that cannot be written is said loudly.
            console.error(`hq-hub: audit log: ${name}: ${(e as Error).message}`);
          }
        };
        try {
          if (spec.access !== "public") {
            const p = deps.authenticate(c.req.header("authorization"));
            if (!p) return c.json({ error: "unauthorized", reason: "a valid bearer token is required" }, 401);
            principal = p;
            authorize(p, spec.access);
          }
          // Read only after the token is checked, and never more than the route's limit.
          if (spec.textBody === "bytes") body = await readBodyLimited(c.req.raw, deps.bodyLimit(spec), name);
          else if (spec.textBody)
            body = new TextDecoder().decode(await readBodyLimited(c.req.raw, deps.bodyLimit(spec), name));
          else if (spec.body) {
            const bytes = await readBodyLimited(c.req.raw, deps.bodyLimit(spec), name);
            let raw: unknown;
            try {
              raw = JSON.parse(new TextDecoder().decode(bytes));
            } catch {
              throw new ValidationError("", "the body is not valid JSON");
            }
            body = raw;
            const r = (spec.body as z.ZodType).safeParse(raw);
            if (!r.success) throw fromZod(r.error);
            body = r.data;
          }
          let query: unknown = c.req.query();
          if (spec.query) {
            const r = spec.query.safeParse(query);
            if (!r.success) throw fromZod(r.error, "query");
            query = r.data;
          }
          const twin = audit ? twinOf(spec.method, spec.path, reads) : undefined;
          if (twin) before = await readTwin(app, c, twin.strip);
          const values = Object.fromEntries(params.map((p) => [p, c.req.param(p)]));
          const call = () => Promise.resolve(handler({ c, params: values, query, body, principal } as never));
          const result = binding && bound ? await binding.run(bound, call) : await call();
          if (result instanceof Response) {
            write(result.status, { after: twin ? await readTwin(app, c, twin.strip) : null });
            return result;
          }
          const out = result ?? { ok: true };
          if (deps.checkResponses) {
            const r = spec.response.safeParse(out);
            if (!r.success) {
              const e = fromZod(r.error);
              throw new Error(`${name}: the answer does not match its response schema: ${e.message}`);
            }
          }
          write(200, { after: twin ? await readTwin(app, c, twin.strip) : out });
          return c.json(out as object);
        } catch (e) {
          write(deps.errorStatus?.(e) ?? 500, { error: (e as Error).message });
          throw e;
        }
      });
    },
  };
}
