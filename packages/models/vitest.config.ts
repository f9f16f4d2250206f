import { packageProject } from '@webpeft/vitest-config';

export default packageProject('models', import.meta.dirname, { testTimeout: 120_000, hookTimeout: 120_000 });
