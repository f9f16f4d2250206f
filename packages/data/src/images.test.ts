import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError, DataFormatError } from './errors.ts';
import { decodeImage, imageToTensorData } from './images.ts';
import { loadDomainBedFolder } from './node.ts';

const fixtures = join(import.meta.dirname, '..', 'fixtures');
// Pixels the generator wrote (fixtures/generate.py): R = 40·class + 10·k, G = 50·x, B = 40·y.
const expected = (cls: number, k: number, x: number, y: number): number[] => [40 * cls + 10 * k, 50 * x, 40 * y];

describe('image decoding', () => {
  it('decodes PNG exactly and JPEG (quality 100) within a few levels', () => {
    const png = decodeImage(readFileSync(join(fixtures, 'domainbed/PACS/sketch/horse/img0.png')));
    expect([png.width, png.height]).toEqual([5, 6]);
    expect(Array.from(png.data.subarray((2 * 5 + 3) * 3, (2 * 5 + 3) * 3 + 3))).toEqual(expected(1, 0, 3, 2));
    const jpg = decodeImage(readFileSync(join(fixtures, 'domainbed/PACS/sketch/horse/img1.jpg')));
    expect([jpg.width, jpg.height]).toEqual([5, 6]);
    for (let y = 0; y < 6; y++)
      for (let x = 0; x < 5; x++) {
        const got = Array.from(jpg.data.subarray((y * 5 + x) * 3, (y * 5 + x) * 3 + 3));
        got.forEach((v, c) => expect(Math.abs(v - expected(1, 1, x, y)[c]!)).toBeLessThanOrEqual(6));
      }
  });
  it('converts gray and RGBA PNGs to RGB', () => {
    const ref = JSON.parse(readFileSync(join(fixtures, 'images.json'), 'utf8')) as { gray: number[]; rgba: number[] };
    const gray = decodeImage(readFileSync(join(fixtures, 'gray.png')));
    expect(Array.from(gray.data.filter((_, i) => i % 3 === 0))).toEqual(ref.gray);
    const rgba = decodeImage(readFileSync(join(fixtures, 'rgba.png')));
    expect(Array.from(rgba.data.subarray(0, 3))).toEqual([255, 0, 0]);
  });
  it('ToTensor / Normalize layout, and errors naming the file', () => {
    const t = imageToTensorData({ width: 2, height: 1, data: Uint8Array.from([255, 0, 0, 0, 255, 0]) });
    expect(t.shape).toEqual([3, 1, 2]);
    expect(Array.from(t.data)).toEqual([1, 0, 0, 1, 0, 0]);
    const n = imageToTensorData({ width: 1, height: 1, data: Uint8Array.from([255, 255, 255]) }, { normalize: true, size: [4, 4] });
    expect(n.shape).toEqual([3, 4, 4]);
    expect(n.data[0]).toBeCloseTo((1 - 0.485) / 0.229, 5);
    expect(() => decodeImage(Uint8Array.from([1, 2, 3, 4]), 'x.bin')).toThrow(/^x\.bin: not a JPEG or PNG/);
    expect(() => decodeImage(Uint8Array.from([0xff, 0xd8, 0xff, 0x00, 1, 2]), 'bad.jpg')).toThrow(DataFormatError);
  });
});

describe('DomainBed image folders', () => {
  it('lists environments, classes and images in ImageFolder order and decodes them', async () => {
    const ds = await loadDomainBedFolder(join(fixtures, 'domainbed'), 'PACS');
    expect(ds.environments).toEqual(['art_painting', 'sketch']);
    expect(ds.numClasses).toBe(2);
    const d = ds.domains[1]!;
    expect(d.classes).toEqual(['dog', 'horse']);
    expect(d.entries.map((e) => [e.path.split('/').slice(-2).join('/'), e.label])).toEqual([['dog/img0.png', 0], ['dog/img1.jpg', 0], ['horse/img0.png', 1], ['horse/img1.jpg', 1]]);
    const x = await d.load(2);
    expect(x.shape).toEqual([3, 6, 5]);
    expect(x.label).toBe(1);
    expect(x.data[0]).toBeCloseTo(40 / 255, 6); // R of pixel (0, 0)
    await expect(loadDomainBedFolder(join(fixtures, 'domainbed'), 'VLCS')).rejects.toThrow(DataError);
  });
});
