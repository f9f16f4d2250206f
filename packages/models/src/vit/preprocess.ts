// Image preprocessing as ViTImageProcessor does it (transformers image_processing_vit.py):
// resize with PIL's bilinear filter on 8-bit pixels, rescale (1/255), normalize per channel,
// channels first. The resize reproduces Pillow's two-pass fixed-point resampler
// (libImaging/Resample.c), whose bilinear filter widens with the downscale factor (antialiasing).
import { type Backend, type Tensor, fromArray } from '@webpeft/tensor';
import { ConfigReader } from '../_config.ts';
import { ImageError } from '../errors.ts';

/** Raw interleaved 8-bit pixels, row-major: RGB (3 channels) or RGBA (4, alpha dropped), e.g. canvas ImageData. */
export interface RawImage {
  readonly data: Uint8Array | Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
  /** 3 or 4; default data.length / (width·height). */
  readonly channels?: number;
}

/** preprocessor_config.json of a ViT checkpoint. */
export interface ImageProcessorConfig {
  readonly doResize: boolean;
  readonly height: number;
  readonly width: number;
  readonly doRescale: boolean;
  readonly rescaleFactor: number;
  readonly doNormalize: boolean;
  readonly imageMean: readonly number[];
  readonly imageStd: readonly number[];
}

export function parseImageProcessorConfig(json: unknown, file = 'preprocessor_config.json'): ImageProcessorConfig {
  const r = ConfigReader.of(json, file);
  let height = 224;
  let width = 224;
  const size = r.json['size'];
  if (typeof size === 'number') height = width = size;
  else if (size && typeof size === 'object') {
    const s = ConfigReader.of(size, file);
    if (s.has('shortest_edge')) throw new ImageError(`${file}: 'size.shortest_edge' resizing is not supported; ViT processors use {height, width}`);
    height = s.int('height');
    width = s.int('width');
  }
  const resample = r.int('resample', 2, 0);
  r.check(resample === 2, 'resample', `only bilinear resampling (2) is supported, got ${resample}`);
  return {
    doResize: r.bool('do_resize', true),
    height,
    width,
    doRescale: r.bool('do_rescale', true),
    rescaleFactor: r.number('rescale_factor', 1 / 255),
    doNormalize: r.bool('do_normalize', true),
    imageMean: r.numbers('image_mean', 3, [0.5, 0.5, 0.5]),
    imageStd: r.numbers('image_std', 3, [0.5, 0.5, 0.5]),
  };
}

export function imageProcessorConfigJson(c: ImageProcessorConfig): Record<string, unknown> {
  return {
    image_processor_type: 'ViTImageProcessor',
    do_resize: c.doResize,
    size: { height: c.height, width: c.width },
    resample: 2,
    do_rescale: c.doRescale,
    rescale_factor: c.rescaleFactor,
    do_normalize: c.doNormalize,
    image_mean: [...c.imageMean],
    image_std: [...c.imageStd],
  };
}

const PRECISION_BITS = 32 - 8 - 2;
const ONE = 2 ** PRECISION_BITS;

/** Pillow's precompute_coeffs for the bilinear (triangle) filter, normalised to fixed point. */
function coefficients(inSize: number, outSize: number): { bounds: Int32Array; weights: Float64Array; ksize: number } {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filterScale; // bilinear support 1.0 × filter scale
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const weights = new Float64Array(outSize * ksize);
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let total = 0;
    const k = new Float64Array(xmax);
    for (let x = 0; x < xmax; x++) {
      const w = Math.max(0, 1 - Math.abs((x + xmin - center + 0.5) / filterScale));
      k[x] = w;
      total += w;
    }
    for (let x = 0; x < xmax; x++) {
      const v = total !== 0 ? k[x]! / total : k[x]!;
      weights[xx * ksize + x] = v < 0 ? Math.trunc(-0.5 + v * ONE) : Math.trunc(0.5 + v * ONE);
    }
    bounds[2 * xx] = xmin;
    bounds[2 * xx + 1] = xmax;
  }
  return { bounds, weights, ksize };
}

function clip8(ss: number): number {
  const v = Math.floor(ss / ONE);
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/** One resampling pass along an axis of an interleaved 8-bit image [h, w, c]. */
function pass(src: Uint8Array, w: number, h: number, c: number, outSize: number, horizontal: boolean): Uint8Array {
  const { bounds, weights, ksize } = coefficients(horizontal ? w : h, outSize);
  const ow = horizontal ? outSize : w;
  const oh = horizontal ? h : outSize;
  const out = new Uint8Array(ow * oh * c);
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      const i = horizontal ? x : y;
      const min = bounds[2 * i]!;
      const n = bounds[2 * i + 1]!;
      for (let ch = 0; ch < c; ch++) {
        let ss = ONE / 2;
        for (let t = 0; t < n; t++) {
          const at = horizontal ? (y * w + min + t) * c + ch : ((min + t) * w + x) * c + ch;
          ss += src[at]! * weights[i * ksize + t]!;
        }
        out[(y * ow + x) * c + ch] = clip8(ss);
      }
    }
  }
  return out;
}

/** Bilinear resize of interleaved 8-bit pixels, bit-exact with Pillow's `Image.resize(size, BILINEAR)`. */
export function resizeBilinear(rgb: Uint8Array, width: number, height: number, channels: number, outWidth: number, outHeight: number): Uint8Array {
  let data = rgb;
  let w = width;
  if (outWidth !== width) {
    data = pass(data, w, height, channels, outWidth, true);
    w = outWidth;
  }
  if (outHeight !== height) data = pass(data, w, height, channels, outHeight, false);
  return data;
}

function toRGB(image: RawImage, index: number): Uint8Array {
  const { width, height, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) throw new ImageError(`image ${index}: width and height must be positive integers, got ${width}×${height}`);
  const channels = image.channels ?? data.length / (width * height);
  if ((channels !== 3 && channels !== 4) || data.length !== width * height * channels) {
    throw new ImageError(`image ${index}: expected ${width}×${height} RGB (${width * height * 3} bytes) or RGBA (${width * height * 4} bytes) pixels, got ${data.length} bytes`);
  }
  if (channels === 3) return data instanceof Uint8Array ? data : new Uint8Array(data.buffer, data.byteOffset, data.length);
  const out = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) for (let ch = 0; ch < 3; ch++) out[p * 3 + ch] = data[p * 4 + ch]!;
  return out;
}

/** Images → pixel values [B, 3, height, width] (f32), ready for ViTForImageClassification. */
export function preprocessImages(images: readonly RawImage[], config: ImageProcessorConfig, opts: { backend?: Backend } = {}): Tensor {
  if (images.length === 0) throw new ImageError('preprocessImages: no images');
  const { height: oh, width: ow } = config;
  const out = new Float32Array(images.length * 3 * oh * ow);
  images.forEach((image, b) => {
    let rgb = toRGB(image, b);
    if (config.doResize) rgb = resizeBilinear(rgb, image.width, image.height, 3, ow, oh);
    else if (image.width !== ow || image.height !== oh) throw new ImageError(`image ${b}: ${image.width}×${image.height}, expected ${ow}×${oh} when do_resize is false`);
    for (let ch = 0; ch < 3; ch++) {
      const mean = config.imageMean[ch]!;
      const std = config.imageStd[ch]!;
      for (let p = 0; p < oh * ow; p++) {
        let v = rgb[p * 3 + ch]!;
        if (config.doRescale) v *= config.rescaleFactor;
        if (config.doNormalize) v = (v - mean) / std;
        out[((b * 3 + ch) * oh * ow) + p] = v;
      }
    }
  });
  return fromArray(out, [images.length, 3, oh, ow], { dtype: 'f32', ...(opts.backend ? { backend: opts.backend } : {}) });
}
