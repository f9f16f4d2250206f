import { defineConfig } from 'tsup';

// One self-contained file for Node 20 (which cannot run .ts): @webpeft/* are bundled from
// their sources (the `@webpeft/source` export condition), so the demo needs no prior package build.
export default defineConfig({
  entry: { main: 'src/main.ts' },
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
});
