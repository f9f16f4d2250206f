import { packageProject } from '@webpeft/vitest-config';

export default packageProject('metrics', import.meta.dirname);
