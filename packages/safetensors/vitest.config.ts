import { packageProject } from '@webpeft/vitest-config';

export default packageProject('safetensors', import.meta.dirname);
