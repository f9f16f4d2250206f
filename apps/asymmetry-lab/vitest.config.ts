import { packageProject } from '@webpeft/vitest-config';

export default packageProject('app-asymmetry-lab', import.meta.dirname);
