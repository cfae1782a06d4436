import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The gateway serves the built files under /admin/ and the JSON API under /api/ on the same origin;
// `npm run dev` proxies /api to a gateway on its default address so the session cookie stays
// same-origin while the UI is served by Vite.
export default defineConfig({
  base: '/admin/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:8080',
    },
  },
});
