import { sveltekit } from "@sveltejs/kit/vite";
import { defineConfig } from "vite";

// `npm run dev -w @retail/hq-console` proxies the hub's API (HQ_HUB_URL, default
// http://127.0.0.1:8080) so the console runs against a real hub, same-origin as in production.
const hub = process.env.HQ_HUB_URL ?? "http://127.0.0.1:8080";

export default defineConfig({
  plugins: [sveltekit()],
  build: { target: "es2020", reportCompressedSize: false },
  server: { proxy: { "/api": { target: hub }, "/openapi.json": { target: hub } } },
});
