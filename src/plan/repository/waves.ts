/** Migration waves: the stack's waves in order, and the wave of each tenant. */
import type { Tenant } from "../../../tenants/model";

/** The waves of a stack, in order: its setting, or one wave. */
export function wavesOf(settings: { readonly waves?: readonly string[] }): readonly string[] {
  return settings.waves?.length ? settings.waves : ["general"];
}

/** A tenant's migration wave: its rollout, else the last wave. */
export function waveOf(t: Tenant, waves: readonly string[]): string {
  return t.rollout ?? waves[waves.length - 1];
}
