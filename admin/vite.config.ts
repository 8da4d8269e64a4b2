// Vite build of the admin console. Production: `npm run build -w @linli/admin` writes admin/dist, which the
// server serves at /admin. Development: `npm run dev -w @linli/admin` proxies /api and /ws to a server on :3000.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  base: '/admin/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 4000 },
  server: {
    port: 5174,
    proxy: {
      '/api': 'http://localhost:3000',
      '/ws': { target: 'ws://localhost:3000', ws: true },
    },
  },
});
