import { packageProject } from '@webpeft/vitest-config';

export default packageProject('optim', import.meta.dirname);
