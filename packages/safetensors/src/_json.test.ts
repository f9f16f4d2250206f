import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JsonFloat, MAX_DEPTH, parseJson } from './_json.ts';
import { expectCode } from './_test_helpers.ts';
import { SAFETENSORS_DTYPES, dtypeFromFile, dtypeToFile } from './dtype.ts';

describe('strict JSON parser', () => {
  it('keeps objects ordered, integers exact, and marks non-integers', () => {
    const value = parseJson('{"b":1,"a":[0,-7,9007199254740991,9007199254740992,1.0,2e3,"x",true,false,null]}');
    expect(value).toEqual(new Map<string, unknown>([['b', 1], ['a', [0, -7, 9007199254740991, 9007199254740992n, new JsonFloat(1), new JsonFloat(2000), 'x', true, false, null]]]));
    expect(parseJson('184467440737095516150')).toBe(184467440737095516150n);
  });

  it('decodes every escape, surrogate pairs included, and rejects lone surrogates', async () => {
    expect(parseJson(String.raw`"\" \\ \/ \b \f \n \r \t \u00e9 \ud83d\ude00"`)).toBe('" \\ / \b \f \n \r \t é 😀');
    await expectCode(() => parseJson(String.raw`"\ud83d"`), 'INVALID_JSON');
    await expectCode(() => parseJson(String.raw`"\ude00"`), 'INVALID_JSON');
    await expectCode(() => parseJson(String.raw`"\ud83d\u0041"`), 'INVALID_JSON');
    await expectCode(() => parseJson(String.raw`"\x41"`), 'INVALID_JSON');
    await expectCode(() => parseJson(String.raw`"\u12"`), 'INVALID_JSON');
    await expectCode(() => parseJson('"tab\there"'), 'INVALID_JSON');
  });

  it('follows the RFC 8259 grammar', async () => {
    for (const bad of ['', ' ', '01', '-', '1.', '.5', '1e', '+1', 'NaN', 'Infinity', 'tru', 'nul', '[1,]', '{"a":1,}', '{"a" 1}', '{a:1}', "'a'", '[1 2]', '{} {}', '"abc', '\u00a0{}']) {
      await expectCode(() => parseJson(bad), 'INVALID_JSON');
    }
    expect(parseJson(' \t\r\n[ ] ')).toEqual([]);
    expect(parseJson('-0.5e-3')).toEqual(new JsonFloat(-0.0005));
  });

  it(`allows nesting to depth ${MAX_DEPTH} (serde_json's limit) and no deeper`, async () => {
    expect(() => parseJson('['.repeat(MAX_DEPTH) + ']'.repeat(MAX_DEPTH))).not.toThrow();
    await expectCode(() => parseJson('['.repeat(MAX_DEPTH + 1) + ']'.repeat(MAX_DEPTH + 1)), 'INVALID_JSON');
    await expectCode(() => parseJson('{"a":'.repeat(1_000_000)), 'INVALID_JSON');
  });

  it('rejects duplicate keys, naming the key and where it sits', async () => {
    const e = await expectCode(() => parseJson('{"w":{"shape":[1],"shape":[2]}}', 'f.safetensors'), 'DUPLICATE');
    expect(e.message).toMatch(/f\.safetensors: .*duplicate key "shape".* in "w"/);
  });
});

describe('dtypes', () => {
  it('spell as in files, in the reference enum order', () => {
    expect(SAFETENSORS_DTYPES.map(dtypeToFile)).toEqual(
      ['BOOL', 'F4', 'F6_E2M3', 'F6_E3M2', 'U8', 'I8', 'F8_E5M2', 'F8_E4M3', 'F8_E8M0', 'F8_E4M3FNUZ', 'F8_E5M2FNUZ', 'I16', 'U16', 'F16', 'BF16', 'I32', 'U32', 'F32', 'C64', 'F64', 'I64', 'U64'],
    );
    for (const d of SAFETENSORS_DTYPES) expect(dtypeFromFile(dtypeToFile(d))).toBe(d);
    expect(dtypeFromFile('f32')).toBeUndefined();
    expect(dtypeFromFile('__proto__')).toBeUndefined();
  });
});

describe('runtime neutrality', () => {
  it('only the Node entry imports node: modules or uses Node globals', () => {
    const dir = new URL('./', import.meta.url);
    const core = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'node.ts' && !f.startsWith('_test'));
    expect(core).toContain('format.ts');
    for (const f of core) {
      const code = readFileSync(new URL(f, dir), 'utf8').replace(/\/\/.*$/gm, '');
      expect(code, f).not.toMatch(/from ['"]node:|\brequire\(|\bBuffer\b|\bprocess\./);
    }
  });
});
