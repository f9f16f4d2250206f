import { packageProject } from '@webpeft/vitest-config';

export default packageProject('adapters', import.meta.dirname);
