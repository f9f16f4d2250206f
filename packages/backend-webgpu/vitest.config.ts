import { packageProject } from '@webpeft/vitest-config';

// GPU tests: their own project; they skip with a printed reason when no adapter exists.
export default packageProject('backend-webgpu', import.meta.dirname, { testTimeout: 120_000, hookTimeout: 120_000 });
