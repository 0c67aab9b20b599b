// SvelteKit for the cashier terminal: a static single-page app (adapter-static with an
// index.html fallback), served by the store edge from terminal-ui/build.
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
    // Thin clients may run old Chromium builds: keep the inline bootstrap small and the output stable.
    output: { bundleStrategy: "single" },
  },
  compilerOptions: { runes: true },
};

export default config;
