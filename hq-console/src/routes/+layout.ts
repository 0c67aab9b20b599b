// A single-page app: the hub serves build/index.html for every console path, nothing is rendered on a server.
export const ssr = false;
export const prerender = false;
