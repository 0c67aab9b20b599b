// SvelteKit for the HQ console: a static single-page app (adapter-static with an index.html
// fallback), served by the HQ hub from hq-console/build (HQ_CONSOLE_DIR) at "/".
import adapter from "@sveltejs/adapter-static";

/** @type {import('@sveltejs/kit').Config} */
const config = {
  kit: {
    adapter: adapter({
      pages: "build",
      assets: "build",
      fallback: "index.html",
      precompress: false,
      strict: true,
    }),
    // Split (Kit's default): each screen's code is its own chunk, so a first load parses the shell and
    // that screen only (the console bench's full page load); ECharts is a lazy chunk (lib/charts).
    output: { bundleStrategy: "split" },
  },
  compilerOptions: { runes: true },
};

export default config;
