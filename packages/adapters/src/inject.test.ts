import { cpuBackend } from '@webpeft/backend-cpu';
import { setBackend } from '@webpeft/tensor';
import { describe, expect, it } from 'vitest';
import { editDistance, closestNames } from './_closest.ts';
import { TinyClassifier } from './_test-models.ts';
import { injectAdapter } from './adapter-model.ts';
import { AdapterConfigError, TargetNotFoundError } from './errors.ts';
import { NN_ROLES } from './inject.ts';

setBackend(cpuBackend());

const paths = async (options: Record<string, unknown>, roles?: Parameters<typeof injectAdapter>[2]) => (await injectAdapter(new TinyClassifier(), { r: 2, ...options }, roles)).adapter('default').paths;

describe('target selection (PEFT rules)', () => {
  it('names match a path exactly or as a dotted suffix', async () => {
    expect(await paths({ targetModules: ['q_proj', 'v_proj'] })).toEqual(['attn.q_proj', 'attn.v_proj']);
    expect(await paths({ targetModules: ['attn.o_proj', 'fc2'] })).toEqual(['attn.o_proj', 'mlp.fc2']);
    // 'proj' is not a suffix of 'q_proj' in PEFT's sense (dotted), so it matches nothing
    await expect(paths({ targetModules: ['proj'] })).rejects.toThrow(TargetNotFoundError);
  });

  it('a string is a regex over whole paths; a RegExp works too', async () => {
    expect(await paths({ targetModules: 'attn\\.(q|k)_proj' })).toEqual(['attn.q_proj', 'attn.k_proj']);
    expect(await paths({ targetModules: /.*fc\d/ })).toEqual(['mlp.fc1', 'mlp.fc2']);
  });

  it('all-linear takes every Linear but modulesToSave; excludeModules removes matches', async () => {
    expect(await paths({ targetModules: 'all-linear', modulesToSave: ['classifier'] })).toEqual(['attn.q_proj', 'attn.k_proj', 'attn.v_proj', 'attn.o_proj', 'mlp.fc1', 'mlp.fc2']);
    expect(await paths({ targetModules: 'all-linear', excludeModules: ['o_proj', 'classifier'] })).toEqual(['attn.q_proj', 'attn.k_proj', 'attn.v_proj', 'mlp.fc1', 'mlp.fc2']);
  });

  it('roles resolve through the model family targets (a map or a resolver object)', async () => {
    expect(await paths({ targetRoles: ['q', 'v'] }, { roles: NN_ROLES })).toEqual(['attn.q_proj', 'attn.v_proj']);
    const roberta = { q: ['query', 'q_proj'], v: ['value', 'v_proj'], fc1: ['intermediate.dense', 'fc1'] };
    expect(await paths({ targetRoles: ['q', 'fc1'] }, { roles: roberta })).toEqual(['attn.q_proj', 'mlp.fc1']);
    const resolver = { resolve: (role: string) => (role === 'k' ? ['k_proj'] : undefined) };
    expect(await paths({ targetRoles: ['k'] }, { roles: resolver })).toEqual(['attn.k_proj']);
    // names and roles combine; target_modules saved as the names that matched
    const am = await injectAdapter(new TinyClassifier(), { r: 2, targetModules: ['fc2'], targetRoles: ['q'] }, { roles: roberta });
    expect(am.adapter('default').targetModules).toEqual(['fc2', 'q_proj']);
  });
});

describe('target errors', () => {
  it('a pattern that matches nothing lists the closest module names', async () => {
    const err = await paths({ targetModules: ['q_prj'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TargetNotFoundError);
    expect((err as TargetNotFoundError).closest[0]).toBe('attn.q_proj');
    expect((err as Error).message).toMatch(/target 'q_prj' matches no module of the model; the closest module names are: attn\.q_proj/);
    const re = (await paths({ targetModules: 'attn\\..*querry' }).catch((e: unknown) => e)) as TargetNotFoundError;
    expect(re.message).toMatch(/matches no module of the model \(a string is a regular expression/);
    expect(re.closest.slice(0, 4)).toContain('attn.q_proj');
  });

  it('role entries may be whole-path regexes (models/*/targets.ts); PEFT target_modules then lists the matched paths', async () => {
    const regexRoles = { q: [String.raw`^attn\.q_proj$`], v: [String.raw`^attn\.v_pro.$`] };
    expect(await paths({ targetRoles: ['q', 'v'] }, { roles: regexRoles })).toEqual(['attn.q_proj', 'attn.v_proj']);
    const am = await injectAdapter(new TinyClassifier(), { r: 2, targetRoles: ['q', 'v'] }, { roles: regexRoles });
    expect(am.adapter('default').targetModules).toEqual(['attn.q_proj', 'attn.v_proj']);
    await expect(paths({ targetRoles: ['q'] }, { roles: { q: [String.raw`^nowhere\.q$`] } })).rejects.toThrow(/role q/);
  });

  it('roles: unknown role, role without matches, roles without a map', async () => {
    await expect(paths({ targetRoles: ['gate'] }, { roles: { q: ['q_proj'] } })).rejects.toThrow(/role 'gate' is not defined.*known roles: q/);
    await expect(paths({ targetRoles: ['gate'] }, { roles: NN_ROLES })).rejects.toThrow(/role gate.*resolves to gate_proj/);
    await expect(paths({ targetRoles: ['q'] })).rejects.toThrow(/need the model family's role map/);
  });

  it('non-Linear matches, nothing to target, unknown modulesToSave, target also saved', async () => {
    await expect(paths({ targetModules: ['attn'] })).rejects.toThrow(/matches 'attn', a MultiHeadAttention; adapters wrap Linear layers only/);
    await expect(paths({})).rejects.toThrow(/no target layers; give targetModules/);
    await expect(paths({ targetModules: ['q_proj'], modulesToSave: ['clasifier'] })).rejects.toThrow(/target 'clasifier' matches no module.*classifier/);
    await expect(paths({ targetModules: ['q_proj'], targetRoles: ['q'] }, { roles: NN_ROLES })).resolves.toEqual(['attn.q_proj']);
    await expect(paths({ targetModules: 'attn.*', targetRoles: ['q'] }, { roles: NN_ROLES })).rejects.toThrow(AdapterConfigError);
  });

  it('edit distance helpers', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(closestNames('fc1', ['encoder.mlp.fc1', 'fc2', 'classifier'], 2)).toEqual(['encoder.mlp.fc1', 'fc2']);
  });
});
