// JPEG (jpeg-js) and PNG (fast-png) decoding to RGB, plus the DomainBed image-folder layout
// `<dataset>/<domain>/<class>/<image>` as torchvision's ImageFolder orders it.
import { decode as decodePng } from 'fast-png';
import * as jpeg from 'jpeg-js';
import { DataFormatError } from './errors.ts';

/** An 8-bit RGB image, row-major H×W×3. */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

const isPng = (b: Uint8Array): boolean => b.length > 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;
const isJpeg = (b: Uint8Array): boolean => b.length > 3 && b[0] === 0xff && b[1] === 0xd8;

/** Decode a JPEG or PNG (by signature) to 8-bit RGB, like PIL's `.convert('RGB')` (alpha dropped, gray replicated, 16-bit scaled). */
export function decodeImage(bytes: Uint8Array, file = '<image>'): RgbImage {
  if (isJpeg(bytes)) {
    let img: { width: number; height: number; data: Uint8Array };
    try {
      img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false });
    } catch (e) {
      throw new DataFormatError(file, undefined, `JPEG: ${(e as Error).message}`);
    }
    return { width: img.width, height: img.height, data: img.data };
  }
  if (isPng(bytes)) {
    let png;
    try {
      png = decodePng(bytes);
    } catch (e) {
      throw new DataFormatError(file, undefined, `PNG: ${(e as Error).message}`);
    }
    const { width, height, channels, depth } = png;
    if (png.palette) throw new DataFormatError(file, undefined, 'PNG: palette images are not supported (convert to RGB)');
    const src = png.data;
    const scale = depth === 16 ? 1 / 257 : depth < 8 ? 255 / (2 ** depth - 1) : 1;
    const out = new Uint8Array(width * height * 3);
    for (let p = 0; p < width * height; p++) {
      for (let c = 0; c < 3; c++) {
        const ch = channels >= 3 ? c : 0; // gray (+alpha) → replicate
        out[p * 3 + c] = Math.round(src[p * channels + ch]! * scale);
      }
    }
    return { width, height, data: out };
  }
  throw new DataFormatError(file, undefined, 'not a JPEG or PNG (unknown signature)');
}

/** ImageNet statistics DomainBed normalizes with. */
export const IMAGENET_MEAN: readonly [number, number, number] = [0.485, 0.456, 0.406];
export const IMAGENET_STD: readonly [number, number, number] = [0.229, 0.224, 0.225];

/**
 * RGB → float32 C×H×W in [0, 1] (`ToTensor`), optionally resized (bilinear, pixel centres aligned;
 * torchvision's antialiased Resize differs slightly when downscaling) and normalized (`Normalize`).
 */
export function imageToTensorData(img: RgbImage, opts: { size?: readonly [number, number]; normalize?: boolean } = {}): { data: Float32Array; shape: [number, number, number] } {
  const [h, w] = opts.size ?? [img.height, img.width];
  const out = new Float32Array(3 * h * w);
  const sy = img.height / h;
  const sx = img.width / w;
  for (let y = 0; y < h; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), img.height - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, img.height - 1);
    const dy = fy - y0;
    for (let x = 0; x < w; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), img.width - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, img.width - 1);
      const dx = fx - x0;
      for (let c = 0; c < 3; c++) {
        const at = (yy: number, xx: number): number => img.data[(yy * img.width + xx) * 3 + c]!;
        const v = (at(y0, x0) * (1 - dx) + at(y0, x1) * dx) * (1 - dy) + (at(y1, x0) * (1 - dx) + at(y1, x1) * dx) * dy;
        const u = v / 255;
        out[c * h * w + y * w + x] = opts.normalize ? (u - IMAGENET_MEAN[c]!) / IMAGENET_STD[c]! : u;
      }
    }
  }
  return { data: out, shape: [3, h, w] };
}

/** DomainBed dataset → folder under the data root, and its environments (domain folder names, sorted). */
export const DOMAINBED_DATASETS: Readonly<Record<'VLCS' | 'PACS' | 'OfficeHome' | 'TerraIncognita' | 'DomainNet', { readonly dir: string }>> = {
  VLCS: { dir: 'VLCS' },
  PACS: { dir: 'PACS' },
  OfficeHome: { dir: 'office_home' },
  TerraIncognita: { dir: 'terra_incognita' },
  DomainNet: { dir: 'domain_net' },
};

/** torchvision `IMG_EXTENSIONS` (what ImageFolder lists); only JPEG and PNG are decoded here. */
export const IMAGE_EXTENSIONS: readonly string[] = ['.jpg', '.jpeg', '.png', '.ppm', '.bmp', '.pgm', '.tif', '.tiff', '.webp'];
