// Every adapter method by name. A new variant is a folder with its `defineAdapter` plus one line
// below (or a `registerAdapter` call from outside this package).
import { didYouMean } from './_closest.ts';
import { aOnly } from './a-only/config.ts';
import { adalora } from './adalora/config.ts';
import { bOnly } from './b-only/config.ts';
import { AdapterConfigError } from './errors.ts';
import { full } from './full/config.ts';
import { ia3 } from './ia3/config.ts';
import { linearProbe } from './linear-probe/config.ts';
import { lora } from './lora/config.ts';
import { loraARand, loraASvd, loraBRand, loraBSvd } from './lora/presets.ts';
import { loraFa } from './lora-fa/config.ts';
import type { AdapterMethod, ResolvedAdapterConfig } from './method.ts';
import { vera } from './vera/config.ts';

const methods = new Map<string, AdapterMethod<ResolvedAdapterConfig>>();

/** Add a method (throws if the name is taken, unless `replace`). */
export function registerAdapter<C extends ResolvedAdapterConfig>(method: AdapterMethod<C>, opts: { replace?: boolean } = {}): void {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(method.name)) throw new AdapterConfigError(`adapter method name '${method.name}' must be lowercase letters, digits and dashes`);
  if (methods.has(method.name) && !opts.replace) throw new AdapterConfigError(`adapter method '${method.name}' is already registered`);
  // each method checks its own config type in `resolve`; the registry only needs the common part
  methods.set(method.name, method as unknown as AdapterMethod<ResolvedAdapterConfig>);
}

/** The method registered under `name`, or an error listing the registered ones. */
export function getAdapterMethod(name: string): AdapterMethod<ResolvedAdapterConfig> {
  const m = methods.get(name);
  if (!m) throw new AdapterConfigError(`unknown adapter method '${name}'${didYouMean(name, [...methods.keys()])}; registered methods: ${[...methods.keys()].join(', ')}`);
  return m;
}

/** Registered method names, in registration order. */
export function adapterMethodNames(): string[] {
  return [...methods.keys()];
}

/** The method whose PEFT `peft_type` is `peftType` and whose name is the plain one (LORA → lora). */
export function methodForPeftType(peftType: string): AdapterMethod<ResolvedAdapterConfig> | undefined {
  for (const m of methods.values()) if (m.peftType === peftType) return m;
  return undefined;
}

registerAdapter(lora);
registerAdapter(bOnly);
registerAdapter(aOnly);
registerAdapter(loraFa);
registerAdapter(loraASvd);
registerAdapter(loraBSvd);
registerAdapter(loraARand);
registerAdapter(loraBRand);
registerAdapter(vera);
registerAdapter(ia3);
registerAdapter(adalora);
registerAdapter(linearProbe);
registerAdapter(full);
