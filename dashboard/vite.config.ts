import { defineConfig } from 'vite';

// `vite build dashboard` (from the repository root) writes dashboard/dist, which the API serves at
// /dashboard; `vite dashboard` serves it with hot reload, sending the API's routes to a local platform.
const api = process.env.TUNEFORGE_API ?? 'http://127.0.0.1:3000';

export default defineConfig({
  base: '/dashboard/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // ECharts is most of the bundle; one file loads faster than many small ones on a dashboard.
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: Object.fromEntries(
      ['/studies', '/pools', '/metrics', '/admin', '/docs'].map((path) => [path, api]),
    ),
  },
});
