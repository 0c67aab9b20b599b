// Every route's body has a ceiling, smaller for the lane sign-in (open without a session).
// hono's bodyLimit refuses a larger Content-Length before reading and counts a chunked body as
// it streams, refusing it the moment it passes the limit: nothing above it is ever held.
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";

export interface BodyLimits {
  maxBodyBytes?: number;
  maxLoginBodyBytes?: number;
}

/** The defaults of store-edge.json's http.maxBodyBytes and http.maxLoginBodyBytes. */
export const MAX_BODY_BYTES = 256 * 1024;
export const MAX_LOGIN_BODY_BYTES = 16 * 1024;

const isLogin = (c: Context) => c.req.method === "POST" && /\/lanes\/[^/]+\/login\/?$/.test(c.req.path);

export function bodyLimits(limits: BodyLimits): MiddlewareHandler {
  const make = (limit: number) =>
    bodyLimit({
      maxSize: limit,
      onError: (c) =>
        c.json(
          {
            error: "too_large",
            field: "body",
            limit,
            message: `the request body is above the ${limit} bytes limit of ${c.req.method} ${c.req.path}`,
          },
          413,
        ),
    });
  const login = make(limits.maxLoginBodyBytes ?? MAX_LOGIN_BODY_BYTES);
  const other = make(limits.maxBodyBytes ?? MAX_BODY_BYTES);
  return (c, next) => (isLogin(c) ? login(c, next) : other(c, next));
}
