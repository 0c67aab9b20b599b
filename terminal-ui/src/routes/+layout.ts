// A single-page app: the edge serves build/index.html for every path, nothing is rendered on a server.
export const ssr = false;
export const prerender = false;
