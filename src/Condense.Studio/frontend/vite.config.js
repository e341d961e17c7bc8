import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// Built by MSBuild (Condense.Studio.csproj) into ../wwwroot, which the server embeds.
export default defineConfig({
  plugins: [svelte()],
  base: '/',
  build: {
    outDir: '../wwwroot',
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    reportCompressedSize: false,
  },
  server: {
    // `npm run dev` beside `condense studio --port 5000`: API calls go to the real server.
    proxy: { '/api': 'http://127.0.0.1:5000' },
  },
});
