import { packageProject } from '@webpeft/vitest-config';

export default packageProject('backend-cpu', import.meta.dirname);
