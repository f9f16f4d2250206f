import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { mod: 'src/mod.ts', node: 'src/node.ts' },
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  external: [/^@webpeft\//],
});
