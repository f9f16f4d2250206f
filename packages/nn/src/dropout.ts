// Inverted dropout from the seeded counter-based stream; the identity in eval mode.
import { ArgumentError, type Generator, type Tensor, dropout } from '@webpeft/tensor';
import { Module } from './module.ts';

export interface DropoutOptions {
  /** Stream the masks are drawn from (default: the global generator). */
  readonly generator?: Generator;
}

/** Zeroes each element with probability p while training and scales the rest by 1/(1 − p). */
export class Dropout extends Module {
  readonly p: number;
  readonly generator: Generator | undefined;

  constructor(p = 0.5, opts: DropoutOptions = {}) {
    super();
    if (!(p >= 0 && p < 1)) throw new ArgumentError(`Dropout: p must be in [0, 1), got ${p}`);
    this.p = p;
    this.generator = opts.generator;
  }

  forward(x: Tensor): Tensor {
    if (!this.training || this.p === 0) return x;
    return this.generator ? dropout(x, this.p, { generator: this.generator }) : dropout(x, this.p);
  }
}
