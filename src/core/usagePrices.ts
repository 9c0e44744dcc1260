/**
 * The per-unit prices `npm run fleet -- usage` estimates a tenant's cost with: the units Neon
 * bills by, and the rates Neon publishes for its Launch and Scale plans. The stack settings
 * `usagePricePlan` (one of the published lists) and `usagePrices` (UNIT=PRICE overrides, for
 * Agent, Enterprise or a negotiated rate) choose them; without a full set the report has no
 * cost column (never an invented number).
 *
 * Source of the rates and the units: "Usage and cost calculations", "Calculating your cost"
 * (https://neon.com/docs/introduction/usage-calculations, updated 2026-05-28): compute
 * $0.106/CU-hour on Launch and $0.222 on Scale; root and child storage $0.35/GB-month, instant
 * restore (PITR history) $0.20/GB-month, snapshots $0.09/GB-month, public transfer $0.10/GB on
 * both; private transfer $0.01/GB on Scale (not offered on Launch). That page says Agent and
 * Enterprise rates match Scale, while the plans page (https://neon.com/docs/introduction/plans)
 * gives Agent Launch-rate compute: for those plans, set the compute rate explicitly.
 */

/** The billing units, as `usagePrices` names them. */
export const PRICE_UNITS = ["computeCuHour", "storageGbMonth", "instantRestoreGbMonth", "snapshotGbMonth", "publicTransferGb", "privateTransferGb"] as const;
export type PriceUnit = (typeof PRICE_UNITS)[number];

/** US dollars per unit. */
export type UsagePrices = Readonly<Record<PriceUnit, number>>;

/** The plans whose rates Neon publishes (usage-calculations, "Calculating your cost"). */
export const PRICE_PLANS = ["launch", "scale"] as const;
export type PricePlan = (typeof PRICE_PLANS)[number];

/** Private networking is a Scale feature: on Launch there is no such traffic, so its rate is 0. */
export const PUBLISHED_PRICES: Readonly<Record<PricePlan, UsagePrices>> = Object.freeze({
  launch: Object.freeze({
    computeCuHour: 0.106,
    storageGbMonth: 0.35,
    instantRestoreGbMonth: 0.2,
    snapshotGbMonth: 0.09,
    publicTransferGb: 0.1,
    privateTransferGb: 0,
  }),
  scale: Object.freeze({
    computeCuHour: 0.222,
    storageGbMonth: 0.35,
    instantRestoreGbMonth: 0.2,
    snapshotGbMonth: 0.09,
    publicTransferGb: 0.1,
    privateTransferGb: 0.01,
  }),
});

/** Where the published rates come from, as the report cites it. */
export const PUBLISHED_PRICES_SOURCE = "https://neon.com/docs/introduction/usage-calculations (2026-05-28)";

/** The highest price a unit may be given: a guard against a misplaced decimal point (cents for dollars). */
export const PRICE_MAX = 100;

/**
 * The prices in force: the plan's published list with the overrides on top. Undefined (no
 * cost column) while any unit has no price; `missing` names those units.
 */
export function resolvePrices(
  plan: PricePlan | undefined,
  overrides: Readonly<Partial<Record<PriceUnit, number>>>,
): { prices?: UsagePrices; missing: PriceUnit[] } {
  const merged: Partial<Record<PriceUnit, number>> = { ...(plan ? PUBLISHED_PRICES[plan] : {}), ...overrides };
  const missing = PRICE_UNITS.filter((u) => merged[u] === undefined);
  return missing.length ? { missing } : { prices: Object.freeze(merged as Record<PriceUnit, number>), missing };
}
