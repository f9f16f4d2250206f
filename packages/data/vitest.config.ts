import { packageProject } from '@webpeft/vitest-config';

export default packageProject('data', import.meta.dirname);
