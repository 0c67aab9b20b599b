// The demo scripts' one HTTP call to the hub's or an edge's API (`npm start`): the admin bearer
// token, JSON in and out (a string body goes as text/csv), and an error carrying the status.
export type DemoCall = <T>(base: string, method: string, path: string, body?: unknown) => Promise<T>;

export function demoCall(token: string): DemoCall {
  return async <T>(base: string, method: string, path: string, body?: unknown): Promise<T> => {
    const csv = typeof body === "string";
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": csv ? "text/csv" : "application/json" },
      ...(body === undefined ? {} : { body: csv ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok)
      throw Object.assign(new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`), {
        status: res.status,
      });
    return (text ? JSON.parse(text) : {}) as T;
  };
}
