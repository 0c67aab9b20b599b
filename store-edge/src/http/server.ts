// Bun's server: the Hono app for HTTP, and one WebSocket per lane connection at
// /api/v1/lanes/:lane/ws that pushes cart state, device events, sale and print results
// (messages are LaneMessage JSON; see docs/store-edge.md).
import type { Server, ServerWebSocket } from "bun";
import type { Edge } from "../edge.ts";
import { EdgeError } from "../errors.ts";
import { createApp } from "./app.ts";

interface WsData {
  lane: string;
  unsubscribe?: () => void;
}

const WS_RE = /^\/api\/v1\/lanes\/([0-9]{1,2})\/ws$/;

export function serveEdge(
  edge: Edge,
  opts: { port: number; host: string; staticDir?: string },
): Server<WsData> {
  const app = createApp(edge, opts.staticDir);
  return Bun.serve<WsData>({
    port: opts.port,
    hostname: opts.host,
    fetch(req, server) {
      const url = new URL(req.url);
      const m = WS_RE.exec(url.pathname);
      if (m) {
        if (server.upgrade(req, { data: { lane: m[1]! } })) return undefined;
        return Response.json(
          { error: "invalid", field: "upgrade", message: "expected a WebSocket upgrade" },
          { status: 400 },
        );
      }
      return app.fetch(req);
    },
    websocket: {
      open(ws: ServerWebSocket<WsData>) {
        try {
          ws.data.unsubscribe = edge.checkout.subscribe(ws.data.lane, (msg) => ws.send(JSON.stringify(msg)));
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
      message(ws, message) {
        // The UI may send scans typed on a keyboard wedge: {"type":"scan","code":"..."}.
        let msg: { type?: string; code?: string };
        try {
          msg = JSON.parse(String(message));
        } catch {
          ws.send(JSON.stringify({ type: "error", code: "invalid", field: "message", message: "not JSON" }));
          return;
        }
        if (msg.type === "scan" && typeof msg.code === "string") {
          edge.checkout.scan(ws.data.lane, msg.code).catch((e) => {
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
      close(ws) {
        ws.data.unsubscribe?.();
      },
    },
  });
}
