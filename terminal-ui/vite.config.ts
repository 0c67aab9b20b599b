import { sveltekit } from "@sveltejs/kit/vite";
import { defineConfig } from "vite";

// `npm run dev -w @retail/terminal-ui` proxies the edge's API and lane WebSocket
// (STORE_EDGE_URL, default http://127.0.0.1:8080) so the UI runs against a real edge.
const edge = process.env.STORE_EDGE_URL ?? "http://127.0.0.1:8080";

export default defineConfig({
  plugins: [sveltekit()],
  build: { target: "es2020", reportCompressedSize: false },
  server: { proxy: { "/api": { target: edge, ws: true } } },
});
