import { packageProject } from '@webpeft/vitest-config';

export default packageProject('analysis', import.meta.dirname);
