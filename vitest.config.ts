import { defineConfig } from 'vitest/config';

// One vitest run over every workspace's project (see tooling/vitest/preset.ts).
export default defineConfig({
  test: {
    projects: ['packages/*/vitest.config.ts', 'apps/*/vitest.config.ts', 'tooling/scripts/vitest.config.ts'],
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
