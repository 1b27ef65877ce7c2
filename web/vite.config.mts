import { defineConfig } from 'vite';

/**
 * The console is a static app: `vite build` writes web/dist, which the local runtime serves at / and the
 * stack uploads to the console bucket behind CloudFront. Preact's JSX runtime stands in for React's.
 */
export default defineConfig({
  // `vite build web` names the root; the paths below are relative to it.
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // No inline scripts or styles: the console's Content-Security-Policy allows only its own files.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
});
