// DomainBed's MNIST domains (facebookresearch/DomainBed, domainbed/datasets.py:
// MultipleEnvironmentMNIST, RotatedMNIST, ColoredMNIST), built from the real MNIST IDX files.
// These are offline stand-ins for DomainBed's image datasets. Same construction as DomainBed:
// train+test (70,000 images) concatenated, shuffled, domain i takes shuffled[i::n]. The random
// draws come from a Philox `Generator(seed)` instead of torch's global RNG, so the split is
// deterministic per seed but not index-identical to a PyTorch run.
import { Generator } from '@webpeft/tensor';
import { DataError, DataFormatError } from './errors.ts';
import { rotateBilinear } from './rotate.ts';

/** Images (uint8, row-major N×28×28) and labels of MNIST, train then test as DomainBed concatenates them. */
export interface MnistData {
  readonly images: Uint8Array;
  readonly labels: Uint8Array;
  readonly count: number;
  readonly height: number;
  readonly width: number;
}

/** Parse an IDX file (LeCun's MNIST format): magic 0x0801 (labels) or 0x0803 (images), big-endian dims. */
export function parseIdx(bytes: Uint8Array, file = '<idx>'): { dims: number[]; data: Uint8Array } {
  if (bytes.length < 4) throw new DataFormatError(file, undefined, `IDX header: expected at least 4 bytes, got ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  const rank = magic & 0xff;
  if (magic >>> 8 !== 0x08 || rank < 1 || rank > 4) throw new DataFormatError(file, undefined, `IDX magic: expected 0x0801..0x0804 (unsigned byte data), got 0x${magic.toString(16).padStart(8, '0')}`);
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) throw new DataFormatError(file, undefined, `IDX header: ${rank} dimensions need ${headerBytes} bytes, file has ${bytes.length}`);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const size = dims.reduce((a, b) => a * b, 1);
  if (bytes.length !== headerBytes + size) throw new DataFormatError(file, undefined, `IDX body: dims [${dims.join(', ')}] need ${size} bytes, file has ${bytes.length - headerBytes}`);
  return { dims, data: bytes.subarray(headerBytes) };
}

/** Concatenate MNIST parts (e.g. train then test) from their IDX image/label files. */
export function mnistFromIdx(parts: readonly { images: Uint8Array; labels: Uint8Array; imagesFile?: string; labelsFile?: string }[]): MnistData {
  const imgs: Uint8Array[] = [];
  const labs: Uint8Array[] = [];
  let height = 0;
  let width = 0;
  for (const part of parts) {
    const im = parseIdx(part.images, part.imagesFile);
    const lb = parseIdx(part.labels, part.labelsFile);
    if (im.dims.length !== 3 || lb.dims.length !== 1) throw new DataFormatError(part.imagesFile ?? '<idx>', undefined, `expected images [N, H, W] and labels [N], got [${im.dims.join(', ')}] and [${lb.dims.join(', ')}]`);
    if (im.dims[0] !== lb.dims[0]) throw new DataFormatError(part.labelsFile ?? '<idx>', undefined, `${lb.dims[0]} labels for ${im.dims[0]} images`);
    if (height && (im.dims[1] !== height || im.dims[2] !== width)) throw new DataFormatError(part.imagesFile ?? '<idx>', undefined, `image size ${im.dims[1]}×${im.dims[2]} differs from ${height}×${width}`);
    height = im.dims[1]!;
    width = im.dims[2]!;
    imgs.push(im.data);
    labs.push(lb.data);
  }
  const count = labs.reduce((n, l) => n + l.length, 0);
  const images = new Uint8Array(count * height * width);
  const labels = new Uint8Array(count);
  let at = 0;
  for (let p = 0; p < imgs.length; p++) {
    images.set(imgs[p]!, at * height * width);
    labels.set(labs[p]!, at);
    at += labs[p]!.length;
  }
  return { images, labels, count, height, width };
}

/** A batch of images as float32 NCHW in [0, 1] (torchvision `ToTensor`) with int32 labels. */
export interface ImageBatch {
  readonly x: Float32Array;
  readonly xShape: readonly [number, number, number, number];
  readonly y: Int32Array;
}

/** One environment (domain) of a multi-domain image dataset. */
export interface ImageDomain {
  readonly name: string;
  readonly size: number;
  /** [channels, height, width]. */
  readonly inputShape: readonly [number, number, number];
  readonly labels: Int32Array;
  /** Index of each example in the source dataset (MNIST: train 0..59999 then test 60000..69999). */
  readonly sourceIndices: Int32Array;
  /** All pixels as uint8 N×C×H×W (computed on first use, then cached). */
  pixels(): Uint8Array;
  /** Examples `indices` as float32 (pixel / 255) plus labels. */
  batch(indices: ArrayLike<number>): ImageBatch;
}

/** A DomainBed-style dataset: named environments sharing input shape and classes. */
export interface DomainDataset {
  readonly name: string;
  /** True for the offline built-ins: they stand in for the paper's datasets, they are not them. */
  readonly standIn: boolean;
  readonly numClasses: number;
  readonly inputShape: readonly [number, number, number];
  readonly environments: readonly string[];
  readonly domains: readonly ImageDomain[];
}

/** Uniform permutation of 0..n-1 (Fisher–Yates on 53-bit Philox uniforms). */
export function permutation(n: number, generator: Generator): Int32Array {
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  const bits = generator.bits(2 * Math.max(n - 1, 0));
  for (let i = n - 1, k = 0; i > 0; i--, k += 2) {
    const u = ((bits[k]! >>> 5) * 67108864 + (bits[k + 1]! >>> 6)) / 9007199254740992;
    const j = Math.floor(u * (i + 1));
    const t = perm[i]!;
    perm[i] = perm[j]!;
    perm[j] = t;
  }
  return perm;
}

/** `torch.rand(n) < p` with a Philox generator: 1 with probability p. */
export function bernoulli(p: number, n: number, generator: Generator): Uint8Array {
  const u = generator.uniform(n);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = u[i]! < p ? 1 : 0;
  return out;
}

/** DomainBed's MultipleEnvironmentMNIST split: shuffle all images, environment i gets shuffled[i::n]. */
export function splitEnvironments(count: number, environments: number, generator: Generator): Int32Array[] {
  if (!Number.isInteger(environments) || environments < 1) throw new DataError(`environments must be a positive integer, got ${environments}`);
  const perm = permutation(count, generator);
  return Array.from({ length: environments }, (_, e) => {
    const idx = new Int32Array(Math.ceil((count - e) / environments));
    for (let i = e, k = 0; i < count; i += environments, k++) idx[k] = perm[i]!;
    return idx;
  });
}

function makeDomain(name: string, inputShape: readonly [number, number, number], labels: Int32Array, sourceIndices: Int32Array, build: () => Uint8Array): ImageDomain {
  let cache: Uint8Array | undefined;
  const pixels = (): Uint8Array => (cache ??= build());
  const per = inputShape[0] * inputShape[1] * inputShape[2];
  return {
    name,
    size: labels.length,
    inputShape,
    labels,
    sourceIndices,
    pixels,
    batch(indices: ArrayLike<number>): ImageBatch {
      const px = pixels();
      const x = new Float32Array(indices.length * per);
      const y = new Int32Array(indices.length);
      for (let b = 0; b < indices.length; b++) {
        const i = indices[b]!;
        if (!Number.isInteger(i) || i < 0 || i >= labels.length) throw new DataError(`domain '${name}': index ${i} outside 0..${labels.length - 1}`);
        for (let k = 0, s = i * per, o = b * per; k < per; k++) x[o + k] = px[s + k]! / 255;
        y[b] = labels[i]!;
      }
      return { x, xShape: [indices.length, inputShape[0], inputShape[1], inputShape[2]], y };
    },
  };
}

export interface MnistDomainOptions {
  /** Seed of the Philox generator that shuffles MNIST (and draws ColoredMNIST's label/colour flips). */
  readonly seed?: number;
}

/** RotatedMNIST angles in degrees, as DomainBed's `ENVIRONMENTS = ['0', '15', '30', '45', '60', '75']`. */
export const ROTATED_MNIST_ANGLES: readonly number[] = [0, 15, 30, 45, 60, 75];

/**
 * RotatedMNIST (stand-in built from real MNIST): 6 domains, each a sixth of the shuffled 70,000
 * images rotated counter-clockwise by its angle with Pillow-exact bilinear interpolation; 10 classes, input 1×28×28.
 */
export function rotatedMnist(mnist: MnistData, options: MnistDomainOptions & { angles?: readonly number[] } = {}): DomainDataset {
  const angles = options.angles ?? ROTATED_MNIST_ANGLES;
  const { height: h, width: w } = mnist;
  const splits = splitEnvironments(mnist.count, angles.length, new Generator(options.seed ?? 0));
  const domains = angles.map((angle, e) => {
    const idx = splits[e]!;
    const labels = Int32Array.from(idx, (i) => mnist.labels[i]!);
    return makeDomain(String(angle), [1, h, w], labels, idx, () => {
      const out = new Uint8Array(idx.length * h * w);
      for (let k = 0; k < idx.length; k++) rotateBilinear(mnist.images.subarray(idx[k]! * h * w, (idx[k]! + 1) * h * w), w, h, angle, out.subarray(k * h * w, (k + 1) * h * w));
      return out;
    });
  });
  return { name: 'RotatedMNIST (stand-in)', standIn: true, numClasses: 10, inputShape: [1, h, w], environments: angles.map(String), domains };
}

/** ColoredMNIST colour-flip probabilities e per environment: `'+90%'`, `'+80%'`, `'-90%'` ↔ 0.1, 0.2, 0.9. */
export const COLORED_MNIST_ENVIRONMENTS: readonly { readonly name: string; readonly colorFlip: number }[] = [
  { name: '+90%', colorFlip: 0.1 },
  { name: '+80%', colorFlip: 0.2 },
  { name: '-90%', colorFlip: 0.9 },
];

/**
 * ColoredMNIST (stand-in built from real MNIST), DomainBed's `color_dataset`: label = digit < 5,
 * flipped with probability 0.25; colour = label flipped with probability e; the image goes to
 * channel `colour` of 2 (the other channel is zero). 2 classes, input 2×28×28.
 */
export function coloredMnist(mnist: MnistData, options: MnistDomainOptions & { labelNoise?: number } = {}): DomainDataset & { readonly colors: readonly Uint8Array[] } {
  const { height: h, width: w } = mnist;
  const generator = new Generator(options.seed ?? 0);
  const envs = COLORED_MNIST_ENVIRONMENTS;
  const splits = splitEnvironments(mnist.count, envs.length, generator);
  const colors: Uint8Array[] = [];
  const domains = envs.map((env, e) => {
    const idx = splits[e]!;
    const n = idx.length;
    // Same order of draws as DomainBed: label noise first, then the colour flips.
    const labelFlip = bernoulli(options.labelNoise ?? 0.25, n, generator);
    const colorFlip = bernoulli(env.colorFlip, n, generator);
    const labels = new Int32Array(n);
    const color = new Uint8Array(n);
    for (let k = 0; k < n; k++) {
      labels[k] = (mnist.labels[idx[k]!]! < 5 ? 1 : 0) ^ labelFlip[k]!;
      color[k] = labels[k]! ^ colorFlip[k]!;
    }
    colors.push(color);
    return makeDomain(env.name, [2, h, w], labels, idx, () => {
      const per = h * w;
      const out = new Uint8Array(n * 2 * per);
      for (let k = 0; k < n; k++) out.set(mnist.images.subarray(idx[k]! * per, (idx[k]! + 1) * per), (2 * k + color[k]!) * per);
      return out;
    });
  });
  return { name: 'ColoredMNIST (stand-in)', standIn: true, numClasses: 2, inputShape: [2, h, w], environments: envs.map((e) => e.name), domains, colors };
}
