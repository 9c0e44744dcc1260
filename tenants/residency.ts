/**
 * How one declared residency relates to another: a jurisdiction contains itself, and `EU`
 * contains its member states. A residency change is a tightening when the new jurisdiction
 * lies inside the old one (the region must still lie inside it, which the loader checks),
 * and a loosening otherwise: every check keyed on the residency (regions, moves, vaults,
 * runners) would then accept places the old one did not.
 */

/**
 * The member states of the European Union, as ISO 3166-1 alpha-2 codes (Greece is `GR`,
 * which the EU itself writes `EL`). Source: https://european-union.europa.eu/principles-countries-history/eu-countries_en
 * (27 countries since the United Kingdom left on 2020-01-31).
 */
export const EU_MEMBER_STATES: ReadonlySet<string> = new Set("AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE".split(" "));

/** Whether everything inside `inner` lies inside `outer` (a country inside itself or inside `EU`). */
export function residencyContains(outer: string, inner: string): boolean {
  return outer === inner || (outer === "EU" && EU_MEMBER_STATES.has(inner));
}

/** A residency change that lets the tenant's data go somewhere the old residency did not: anything but a tightening. */
export function residencyLoosened(before: string, after: string): boolean {
  return !residencyContains(before, after);
}
