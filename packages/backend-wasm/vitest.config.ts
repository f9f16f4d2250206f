import { packageProject } from '@webpeft/vitest-config';

export default packageProject('backend-wasm', import.meta.dirname, { testTimeout: 60_000, hookTimeout: 60_000 });
