// Vite builds the SPA into dist/ (served by the gateway); in development it proxies the API to a running stack.
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vitest/config'

const api = process.env.PORTCULLIS_API ?? 'http://127.0.0.1:8080'

export default defineConfig({
  plugins: [react()],
  server: {
    // /admin and /user are pages too: a browser navigation gets the app, API calls go to the stack (as the gateway does).
    proxy: Object.fromEntries(
      ['/auth', '/user', '/admin'].map((prefix) => [
        prefix,
        { target: api, changeOrigin: false, bypass: (req) => (req.headers.accept?.startsWith('text/html') ? '/index.html' : undefined) },
      ]),
    ),
  },
  build: { target: 'es2022', sourcemap: false, chunkSizeWarningLimit: 350 },
  test: {
    environment: 'jsdom',
    include: ['test/**/*.test.tsx', 'test/**/*.test.ts'],
    exclude: ['test/e2e/**'],
    setupFiles: ['test/setup.ts'],
  },
})
