import { packageProject } from '@webpeft/vitest-config';

export default packageProject('backends', import.meta.dirname, { testTimeout: 120_000 });
