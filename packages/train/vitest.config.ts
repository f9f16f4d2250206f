import { packageProject } from '@webpeft/vitest-config';

export default packageProject('train', import.meta.dirname);
