// MT19937 (Matsumoto & Nishimura, 1998) seeded like NumPy's legacy `np.random.seed(s)`, and
// NumPy's legacy bounded-integer draw, so that resampling equals `np.random.choice(n, n)`.

const N = 624;
const M = 397;

/** The 32-bit Mersenne Twister with `init_genrand(seed)` seeding (NumPy's `RandomState(seed)`). */
export class MersenneTwister {
  private readonly state = new Uint32Array(N);
  private index = N;

  constructor(seed: number) {
    let s = seed >>> 0;
    for (let i = 0; i < N; i++) {
      this.state[i] = s;
      // s = 1812433253 · (s ⊕ (s >> 30)) + i + 1 (mod 2³²)
      s = (Math.imul(1812433253, (s ^ (s >>> 30)) >>> 0) + i + 1) >>> 0;
    }
  }

  /** The next raw 32-bit word (genrand_int32). */
  nextUint32(): number {
    if (this.index >= N) this.twist();
    let y = this.state[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /**
   * Uniform integer in [0, max] the way NumPy's legacy `randint` draws it for ranges below
   * 2³²: mask the word to the smallest all-ones value ≥ max and reject until it fits. max = 0
   * consumes no word (as NumPy).
   */
  boundedInt(max: number): number {
    if (max === 0) return 0;
    if (max === 0xffffffff) return this.nextUint32();
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    for (;;) {
      const value = (this.nextUint32() & mask) >>> 0;
      if (value <= max) return value;
    }
  }

  private twist(): void {
    const mt = this.state;
    for (let i = 0; i < N; i++) {
      const y = (mt[i]! & 0x80000000) | (mt[(i + 1) % N]! & 0x7fffffff);
      mt[i] = mt[(i + M) % N]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    this.index = 0;
  }
}
