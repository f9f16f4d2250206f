// Shared vitest preset. Tests run against sources: the `@webpeft/source` export condition
// resolves `@webpeft/*` to `src/mod.ts` instead of the built `dist/`.
// Plain JS (typed with JSDoc) so vitest can load it from node_modules without a transform.

export const sourceConditions = ['@webpeft/source'];

/**
 * @param {string} name project name shown by vitest
 * @param {string} root package directory
 * @param {Record<string, unknown>} [extra] extra `test` options
 * @returns {import('vitest/config').UserConfig}
 */
export function packageProject(name, root, extra = {}) {
  return {
    root,
    resolve: { conditions: sourceConditions },
    ssr: { resolve: { conditions: sourceConditions } },
    test: {
      name,
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: 60_000,
      ...extra,
    },
  };
}
