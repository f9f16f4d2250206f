import { cpSync, mkdirSync } from 'node:fs';
import { defineConfig } from 'tsup';

// One runnable bundle for Node 20 (which cannot run .ts): @webpeft/* are bundled from their
// sources (the `@webpeft/source` export condition), so the demo needs no prior package build. The WASM
// backend loads `../wasm/*.wasm` relative to the bundle, so the bundle goes to dist/bin/ and the
// shipped .wasm files are copied to dist/wasm/.
export default defineConfig({
  entry: { main: 'src/main.ts' },
  outDir: 'dist/bin',
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  bundle: true,
  noExternal: [/^@webpeft\//],
  clean: true,
  sourcemap: true,
  dts: false,
  esbuildOptions(options) {
    options.conditions = ['@webpeft/source'];
  },
  onSuccess: async () => {
    mkdirSync('dist/wasm', { recursive: true });
    cpSync('../../packages/backend-wasm/wasm', 'dist/wasm', { recursive: true });
  },
});
