import { packageProject } from '@webpeft/vitest-config';

export default packageProject('nn', import.meta.dirname);
