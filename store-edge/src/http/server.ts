// Bun's server: the Hono app for HTTP, and one WebSocket per lane connection at
// /api/v1/lanes/:lane/ws that pushes cart state, device events, sale and print results
// (messages are LaneMessage JSON; see docs/store-edge.md).
//
// The socket needs the lane's cashier session like the lane's HTTP routes: browsers cannot set
// headers on a WebSocket, so the token comes as `?token=<token>` (or `Authorization: Bearer`
// from other clients). Without a valid one the upgrade still completes, so that a browser can
// read why: the edge sends one `{type: "error", code: "unauthorized", field, message, reason}`
// and closes with code 4401, before anything of the lane is sent. A socket is closed the same
// way when its session ends (sign-out, shift close, a new sign-in on the lane, idle expiry).
import type { Server, ServerWebSocket } from "bun";
import type { Edge } from "../edge.ts";
import { EdgeError } from "../errors.ts";
import { bearerToken, SessionError } from "../staff/sessions.ts";
import { createApp } from "./app.ts";
import { MAX_BODY_BYTES } from "./body-limit.ts";

interface WsData {
  lane: string;
  /** SHA-256 of the session token the socket was opened with. */
  session?: string;
  /** Why the socket is refused (sent, then closed with 4401). */
  refused?: SessionError;
  unsubscribe?: () => void;
}

/** The close code of a socket without a valid session (4000-4999: the application's own). */
export const WS_UNAUTHORIZED = 4401;

function refuse(ws: ServerWebSocket<WsData>, e: SessionError): void {
  try {
    ws.send(
      JSON.stringify({ type: "error", code: e.code, field: e.field, message: e.message, reason: e.reason }),
    );
    ws.close(WS_UNAUTHORIZED, `unauthorized: ${e.reason}`);
  } catch {
    // already closing
  }
}

const WS_RE = /^\/api\/v1\/lanes\/([0-9]{1,2})\/ws$/;

export function serveEdge(
  edge: Edge,
  opts: { port: number; host: string; staticDir?: string },
): Server<WsData> {
  return Bun.serve<WsData>({ ...edgeHandlers(edge, opts.staticDir), port: opts.port, hostname: opts.host });
}

/** The app and the lane sockets, to serve on one or more listeners (http/lan-tls.ts: HTTPS and loopback HTTP). */
export function edgeHandlers(edge: Edge, staticDir?: string) {
  const app = createApp(edge, staticDir);
  const sessions = edge.staff.sessions;
  // Open sockets by session, so the ones of an ended session are closed at once.
  const sockets = new Map<string, Set<ServerWebSocket<WsData>>>();
  sessions.onEnded((s) => {
    const set = sockets.get(s.hash);
    if (!set) return;
    sockets.delete(s.hash);
    for (const ws of set) {
      try {
        sessions.checkHash(s.hash, ws.data.lane, false);
      } catch (e) {
        if (e instanceof SessionError) refuse(ws, e);
      }
    }
  });
  return {
    // Bun drops the connection without an answer above its own ceiling, so it sits far above
    // the routes' limits: those answer 413 naming the limit (http/body-limit.ts), and a body
    // nobody reads is not kept.
    maxRequestBodySize: Math.max(
      4 * (edge.options.config.http?.maxBodyBytes ?? MAX_BODY_BYTES),
      256 * 1024 * 1024,
    ),
    fetch(req: Request, server: Server<WsData>) {
      const url = new URL(req.url);
      const m = WS_RE.exec(url.pathname);
      if (m) {
        const lane = m[1]!;
        const data: WsData = { lane };
        try {
          const token = url.searchParams.get("token") ?? bearerToken(req.headers.get("authorization"));
          data.session = sessions.check(token, lane).hash;
        } catch (e) {
          if (!(e instanceof SessionError)) throw e;
          data.refused = e;
        }
        if (server.upgrade(req, { data })) return undefined;
        return Response.json(
          { error: "invalid", field: "upgrade", message: "expected a WebSocket upgrade" },
          { status: 400 },
        );
      }
      return app.fetch(req, { source: server.requestIP(req)?.address ?? "unknown" });
    },
    websocket: {
      // A lane sends scans and pings: a few hundred bytes.
      maxPayloadLength: 64 * 1024,
      open(ws: ServerWebSocket<WsData>) {
        if (ws.data.refused || !ws.data.session) {
          refuse(ws, ws.data.refused ?? new SessionError("missing", "token", "no session token"));
          return;
        }
        const set = sockets.get(ws.data.session) ?? new Set();
        sockets.set(ws.data.session, set);
        set.add(ws);
        try {
          ws.data.unsubscribe = edge.lanes.subscribe(ws.data.lane, (msg) => ws.send(JSON.stringify(msg)));
        } catch (e) {
          ws.send(
            JSON.stringify({
              type: "error",
              code: "invalid",
              field: "lane",
              message: (e as EdgeError).message,
            }),
          );
          ws.close(1008, "bad lane");
        }
      },
      message(ws: ServerWebSocket<WsData>, message: string | Buffer) {
        if (!ws.data.session || ws.data.refused) return;
        // The UI may send scans typed on a keyboard wedge: {"type":"scan","code":"..."}.
        let msg: { type?: string; code?: string };
        try {
          msg = JSON.parse(String(message));
        } catch {
          ws.send(JSON.stringify({ type: "error", code: "invalid", field: "message", message: "not JSON" }));
          return;
        }
        if (msg.type === "scan" && typeof msg.code === "string") {
          try {
            sessions.checkHash(ws.data.session, ws.data.lane, true);
          } catch (e) {
            if (e instanceof SessionError) return refuse(ws, e);
            throw e;
          }
          edge.scanner.scan(ws.data.lane, msg.code).catch((e) => {
            const ee = e instanceof EdgeError ? e : undefined;
            ws.send(
              JSON.stringify({
                type: "error",
                code: ee?.code ?? "internal",
                field: ee?.field ?? "",
                message: (e as Error).message,
              }),
            );
          });
        } else if (msg.type !== "ping") {
          ws.send(
            JSON.stringify({
              type: "error",
              code: "invalid",
              field: "type",
              message: "expected scan or ping",
            }),
          );
        }
      },
      close(ws: ServerWebSocket<WsData>) {
        ws.data.unsubscribe?.();
        const set = ws.data.session ? sockets.get(ws.data.session) : undefined;
        if (set?.delete(ws) && !set.size) sockets.delete(ws.data.session!);
      },
    },
  };
}
