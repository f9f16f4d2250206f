import { packageProject } from '@webpeft/vitest-config';

export default packageProject('tensor', import.meta.dirname);
