// The lane HTTP API in process (Hono's app.request), as a terminal calls it from the LAN: JSON
// in and out, the cashier's bearer token once signed in. For tests that drive a till end to end
// without a socket.
import type { Edge } from "../edge.ts";
import { createApp } from "../http/app.ts";

export interface LaneApi {
  // biome-ignore lint/suspicious/noExplicitAny: test convenience, each test reads its own shape
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** Signs cashier 1001 (PIN 1234) in on `lane` and opens a shift with `float` fen. */
  signInWithShift(lane?: string, float?: number): Promise<void>;
}

export function laneApi(edge: Edge, source = "till-1"): LaneApi {
  const app = createApp(edge);
  let token = "";
  const call: LaneApi["call"] = async (method, path, body) => {
    const res = await app.request(
      `/api/v1${path}`,
      {
        method,
        headers: {
          "content-type": "application/json",
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      },
      { source },
    );
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : {} };
  };
  return {
    call,
    async signInWithShift(lane = "1", float = 50000) {
      const login = await call("POST", `/lanes/${lane}/login`, { cashierId: "1001", pin: "1234" });
      if (login.status !== 200) throw new Error(`sign-in: ${login.status} ${JSON.stringify(login.body)}`);
      token = login.body.session.token;
      const shift = await call("POST", `/lanes/${lane}/shift/open`, { float });
      if (shift.status !== 200) throw new Error(`shift open: ${shift.status} ${JSON.stringify(shift.body)}`);
    },
  };
}
