// Small building blocks shared by the families.
import { Module, type UnaryModule } from '@webpeft/nn';
import { type Tensor, add, matmul, reshape } from '@webpeft/tensor';

/** A module that only groups children under a name (`attention`, `encoder`, `layer.0.output`). */
export class Container extends Module {}

/**
 * An output projection whose weight is another module's tensor (an LM head tied to the
 * token embeddings): y = x·Eᵀ (+ bias). The tensor is registered here too, so the key
 * exists; the checkpoint spec marks it as tied so it is saved once.
 */
export class TiedLinear extends Module implements UnaryModule {
  readonly weight: Tensor;

  constructor(weight: Tensor) {
    super();
    this.weight = this.registerParameter('weight', weight);
  }

  forward(x: Tensor, bias?: Tensor): Tensor {
    const [out, inF] = this.weight.shape as [number, number];
    const lead = x.shape.slice(0, -1);
    let y = matmul(reshape(x, [-1, inF]), this.weight, { transB: true });
    if (bias) y = add(y, bias);
    return reshape(y, [...lead, out]);
  }
}
