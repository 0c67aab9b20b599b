// JSON over HTTP for test set-up (the hub's admin API, the edge's lane API): a bearer token when
// given, a CSV body sent as text/csv. `httpRequest` answers any status; `jsonCall` throws an
// error naming the call and the answer when it is not 2xx.
export async function httpRequest(
  base: string,
  method: string,
  path: string,
  o: { body?: unknown; token?: string | undefined } = {},
): Promise<{ status: number; text: string }> {
  const { body, token } = o;
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      "content-type": typeof body === "string" ? "text/csv" : "application/json",
    },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  return { status: res.status, text: await res.text() };
}

export async function jsonCall<T = Record<string, unknown>>(
  base: string,
  method: string,
  path: string,
  o: { body?: unknown; token?: string | undefined; who?: string } = {},
): Promise<T> {
  const { status, text } = await httpRequest(base, method, path, o);
  if (status < 200 || status > 299)
    throw new Error(`${o.who ?? "HTTP"} ${method} ${path}: ${status} ${text.slice(0, 400)}`);
  return (text ? JSON.parse(text) : {}) as T;
}
