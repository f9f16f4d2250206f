// Public surface of @webpeft/backend-cpu: importing it registers every CPU kernel.
import './kernels/elementwise.ts';
import './kernels/reduce.ts';
import './kernels/layout.ts';
import './kernels/matmul.ts';
import './kernels/indexing.ts';
import './kernels/nn.ts';

export { CPU, CpuBackend, cpuBackend, cpuKernel } from './backend.ts';
export { gemm } from './kernels/matmul.ts';
export { erf } from './kernels/_math.ts';
