// Which backend `auto` picks on this machine, and why (the line every CLI prints), then one matmul on it.
// With `--expect KIND` it exits 1 unless auto picked KIND: the device machine's check that a real GPU
// gets WebGPU. Usage: node --conditions=@webpeft/source --import tsx bench/which.ts [--expect webgpu]
import { fromArray, matmul } from '@webpeft/tensor';
import { useNodeBackend } from '../src/node.ts';

const i = process.argv.indexOf('--expect');
const expected = i >= 0 ? process.argv[i + 1] : undefined;
const active = await useNodeBackend('auto');
console.log(active.summary);
const y = matmul(fromArray([1, 2, 3, 4], [2, 2]), fromArray([5, 6, 7, 8], [2, 2]));
const got = Array.from(await y.data());
const ok = got.join() === '19,22,43,50';
console.log(JSON.stringify({ kind: active.kind, adapter: active.adapter, matmul: got, ok }));
process.exit(ok && (!expected || expected === active.kind) ? 0 : 1);
