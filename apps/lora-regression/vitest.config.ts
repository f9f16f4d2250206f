import { packageProject } from '@webpeft/vitest-config';

export default packageProject('app-lora-regression', import.meta.dirname);
