/**
 * Vite for the example front-end: `npm run web` (from the repository's root) serves it on http://127.0.0.1:5173, and
 * test/browser/web.test.ts builds it. The Augur it talks to is `VITE_AUGUR_URL`, or `?augur=<url>` on the page.
 */
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
  server: { host: '127.0.0.1', port: 5173, strictPort: true },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1024 },
});
