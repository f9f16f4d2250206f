// The worker thread's program, as source text: a worker can start from it in Node (eval) and in
// Deno/browsers (a Blob URL) without a separate file to resolve or a TypeScript loader.
// Protocol (control block of i32 words at `ctrl` in the shared memory, see pool.ts):
// sleep on GEN; when it moves, claim chunks from the back of the table (NEXT holds the count
// claimed from the front, by the main thread, and from the back << 16, by the workers), run each with this
// thread's own module instance and scratch, bump DONE and notify. Faults are caught and reported
// in ERROR/MSG (the op then fails on the main thread); a worker that dies is detected by its exit
// event or by the main thread's stall timeout — never a hang.

/** Word offsets in the control block. */
export const CTRL = { GEN: 0, NEXT: 1, TOTAL: 2, DONE: 3, ERROR: 4, SHUTDOWN: 5, FAULT: 6, MSGLEN: 7, MSG: 8, CHUNKS: 72 } as const;
export const CHUNK_WORDS = 16;
export const MAX_CHUNKS = 256; // < 2^16: NEXT packs two chunk counts (pool.ts claimFront)
/** Bytes of the control block. */
export const CTRL_BYTES = (CTRL.CHUNKS + CHUNK_WORDS * MAX_CHUNKS) * 4;
/** Chunk functions: [fn, args...]. */
export const FN = { GEMM: 0, UNARY_F32: 1, BINARY: 2 } as const;
/** How long a worker polls GEN after a job before it sleeps in Atomics.wait (ms). */
export const SPIN_MS = 0.25;

const body = `
let ex, memory, scratch, id, I = null;
function view() {
  if (!I || I.buffer.byteLength !== memory.buffer.byteLength) I = new Int32Array(memory.buffer);
  return I;
}
function exec(I, r) {
  const fn = I[r];
  if (fn === ${FN.GEMM}) ex.gemm(I[r + 1], I[r + 2], I[r + 3], I[r + 4], I[r + 5], I[r + 6], I[r + 7], I[r + 8], I[r + 9], I[r + 10], I[r + 11], I[r + 12], scratch, I[r + 13]);
  else if (fn === ${FN.UNARY_F32}) ex.unaryF32(I[r + 1], I[r + 2], I[r + 3], I[r + 4]);
  else if (fn === ${FN.BINARY}) ex.binary(I[r + 1], I[r + 2], I[r + 3], I[r + 4], I[r + 5], I[r + 6], I[r + 7], I[r + 8]);
  else throw new Error('unknown chunk function ' + fn);
}
function claimBack(I, C) {
  for (;;) {
    const w = Atomics.load(I, C + ${CTRL.NEXT});
    const total = Atomics.load(I, C + ${CTRL.TOTAL});
    const b = w >>> 16;
    if ((w & 0xffff) + b >= total) return -1;
    if (Atomics.compareExchange(I, C + ${CTRL.NEXT}, w, w + 0x10000) === w) return total - 1 - b;
  }
}
function runChunks(C) {
  for (;;) {
    const I = view();
    const k = claimBack(I, C);
    if (k < 0) return;
    try {
      const fault = Atomics.load(I, C + ${CTRL.FAULT});
      if (fault && Atomics.compareExchange(I, C + ${CTRL.FAULT}, fault, 0) === fault) {
        if (fault === 1) throw new Error('injected fault (test hook)');
        die();
        return;
      }
      exec(I, C + ${CTRL.CHUNKS} + k * ${CHUNK_WORDS});
    } catch (e) {
      const msg = new TextEncoder().encode(String((e && e.message) || e)).subarray(0, 250);
      new Uint8Array(memory.buffer).set(msg, (C + ${CTRL.MSG}) * 4);
      if (Atomics.compareExchange(I, C + ${CTRL.ERROR}, 0, id + 1) === 0) Atomics.store(I, C + ${CTRL.MSGLEN}, msg.length);
    }
    Atomics.add(view(), C + ${CTRL.DONE}, 1);
    Atomics.notify(view(), C + ${CTRL.DONE});
  }
}
function start(msg) {
  memory = msg.memory;
  scratch = msg.scratch;
  id = msg.id;
  ex = new WebAssembly.Instance(msg.module, { env: { memory } }).exports;
  const C = msg.ctrl >> 2;
  let gen = Atomics.load(view(), C + ${CTRL.GEN});
  post({ type: 'ready', id });
  for (;;) {
    // stay awake briefly after a job: ops come back to back (a training step), and waking a
    // sleeping thread costs tens of µs, as long as a small matmul takes
    const J = view();
    const until = performance.now() + ${SPIN_MS};
    for (let s = 1; Atomics.load(J, C + ${CTRL.GEN}) === gen; s++) if ((s & 255) === 0 && performance.now() > until) break;
    Atomics.wait(view(), C + ${CTRL.GEN}, gen);
    gen = Atomics.load(view(), C + ${CTRL.GEN});
    if (Atomics.load(view(), C + ${CTRL.SHUTDOWN})) return;
    runChunks(C);
  }
}
`;

/** Node worker_threads (eval: true, CommonJS). */
export const NODE_WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const post = (m) => parentPort.postMessage(m);
const die = () => process.exit(70);
${body}
parentPort.once('message', (m) => { try { start(m); } catch (e) { post({ type: 'error', message: String(e && e.message || e) }); } });
`;

/** Web/Deno module worker. */
export const WEB_WORKER_SOURCE = `
const post = (m) => self.postMessage(m);
const die = () => self.close();
${body}
self.onmessage = (e) => { self.onmessage = null; try { start(e.data); } catch (err) { post({ type: 'error', message: String(err && err.message || err) }); } };
`;
