import { packageProject } from '@webpeft/vitest-config';

export default packageProject('scripts', import.meta.dirname, { include: ['*.test.ts'] });
