import { describe, expect, it } from 'vitest';
import { COMMANDS, UsageError, commandHelp, parseCli } from './cli.ts';
import { main } from './main.ts';
import { captureIO } from './_test-io.ts';

describe('parseCli', () => {
  it('reads a command and its flags', () => {
    const o = parseCli(['demo', '--seeds', '4', '--steps', '10', '--methods', 'lora-r8,b-only-r16', '--domain', '30', '--backend', 'cpu', '--name', 'x', '--quick']);
    expect(o).toMatchObject({ command: 'demo', backend: 'cpu', name: 'x', quick: true, outRoot: 'runs/asymmetry-lab', fresh: false });
    expect(o.numbers).toEqual({ seeds: 4, steps: 10 });
    expect(o.strings).toEqual({ methods: 'lora-r8,b-only-r16', domain: '30' });
  });

  it('defaults: backend auto, run folder named after the command', () => {
    for (const c of COMMANDS) expect(parseCli([c])).toMatchObject({ command: c, backend: 'auto', name: c, help: false });
  });

  it('accepts decimals where they make sense', () => {
    expect(parseCli(['theory', '--lr', '0.05', '--input-decay', '0']).numbers).toEqual({ lr: 0.05, 'input-decay': 0 });
  });

  it.each([
    [['nope'], /unknown command 'nope'/],
    [['demo', '--steps', '0'], /--steps expects an integer ≥ 1/],
    [['demo', '--steps', '2.5'], /--steps expects an integer/],
    [['demo', '--backend', 'tpu'], /--backend expects one of auto, cpu, wasm, webgpu/],
    [['demo', '--methods', 'lora-r8,dora'], /unknown method\(s\) 'dora'/],
    [['demo', '--domain', '0'], /0° is the pretraining domain/],
    [['theory', '--quick'], /Unknown option '--quick'/],
    [['theory', '--lr', '0'], /--lr expects a positive number/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseCli(argv)).toThrow(UsageError);
    expect(() => parseCli(argv)).toThrow(message);
  });
});

describe('help', () => {
  it('lists the commands at the top level', async () => {
    const io = captureIO(process.cwd());
    expect((await main(['--help'], io)).exitCode).toBe(0);
    for (const c of COMMANDS) expect(io.out()).toContain(`  ${c}`);
  });

  it('documents each command', async () => {
    for (const c of COMMANDS) {
      const io = captureIO(process.cwd());
      expect((await main([c, '-h'], io)).exitCode).toBe(0);
      expect(io.out()).toBe(commandHelp(c));
      expect(io.out()).toContain('--backend B');
    }
  });

  it('exits 2 with the usage on a bad flag', async () => {
    const io = captureIO(process.cwd());
    expect((await main(['demo', '--bogus'], io)).exitCode).toBe(2);
    expect(io.err()).toMatch(/^error: demo: Unknown option '--bogus'/);
    expect(io.err()).toContain('Usage: webpeft-asymmetry-lab <command>');
  });
});
