/**
 * How much memory planning a stack takes, and what its CI runner holds: the facts the loader
 * refuses an oversized stack with (tenants/rules/limits.ts, planMemory) and the benchmark
 * judges itself against (npm run bench -- --plan-output). Pure.
 */
import { InputError } from "./diagnostics/problems";

/**
 * Memory of GitHub's standard hosted Linux runners (`ubuntu-24.04`, which every workflow of
 * this stack runs on), by the visibility of the repository: 2 CPUs and 7 GB for private and
 * internal repositories, 4 CPUs and 16 GB for public ones.
 * https://docs.github.com/en/actions/reference/runners/github-hosted-runners ("Standard
 * GitHub-hosted runners for public repositories" and "... for internal and private repositories").
 */
export const STANDARD_RUNNER_MEMORY_GB = { private: 7, public: 16 } as const;

/**
 * What one plan may take: 6 GiB of the private runner's 7 GB (6,676 MiB), the rest left to
 * the operating system, the runner agent and the Pulumi engine beside the program. The
 * private runner, the smaller, because a stack's infrastructure repository is rarely public.
 */
export const PLAN_MEMORY_BUDGET_MIB = 6 * 1024;

/**
 * The peak memory (resident set) of `npm run plan` on a stack, as a straight line in the number
 * of tenants, fitted to the whole command (`npm run bench -- --plan-output`, text and --json,
 * the higher of the two) on the bench's synthetic fleet, whose tenants each take a Neon snapshot
 * schedule, on 2026-12-07: 1,169 MiB at 1,000 tenants, and 8,625 MiB at 10,000 (measured with
 * `TENANT_FLEET_PLAN_MEMORY_MIB=12000`, since the default budget refuses that size). Rounded up,
 * so the line is at or above both measurements. The first fit (408 + 773 per 1,000, the
 * program alone scaled by 1.18) said 8,138 MiB at 10,000, 6 % under the measurement: it let a
 * stack of 7,420 tenants through that would take about 6,500 MiB. `npm run bench --
 * --plan-output` prints the line's estimate beside each measurement: re-fit when they part.
 */
export const PLAN_MEMORY_MODEL = {
  /** Node, the SDK, the providers' modules, the program's own code and the plan command, before any tenant. */
  fixedMiB: 340,
  /** Each 1,000 tenants more: mostly the SDK's state for ~6,000 registrations in flight at once. */
  perThousandTenantsMiB: 829,
} as const;

/**
 * Set to the MiB a plan may take where the stack's CI runs on a larger machine (a public
 * repository's 16 GB standard runner, a larger or self-hosted runner); unset, PLAN_MEMORY_BUDGET_MIB.
 */
export const PLAN_MEMORY_ENV = "TENANT_FLEET_PLAN_MEMORY_MIB";

/** The budget a plan is held to: PLAN_MEMORY_ENV when set (a whole number of MiB, at least 1,024), else PLAN_MEMORY_BUDGET_MIB. */
export function planMemoryBudgetMiB(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const text = env[PLAN_MEMORY_ENV];
  if (text === undefined || text === "") return PLAN_MEMORY_BUDGET_MIB;
  const mib = Number(text);
  if (!/^\d+$/.test(text.trim()) || mib < 1024)
    throw new InputError([
      {
        severity: "error",
        file: "environment",
        line: 1,
        col: 1,
        path: PLAN_MEMORY_ENV,
        message: `${JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text)} is not a whole number of MiB of at least 1024: set the memory one plan may take on the runner, or unset it for ${PLAN_MEMORY_BUDGET_MIB} (a private repository's ${STANDARD_RUNNER_MEMORY_GB.private} GB standard runner)`,
      },
    ]);
  return mib;
}

/** The estimated peak memory, in MiB, of planning a stack of `tenants` tenants. */
export function planPeakMiB(tenants: number): number {
  return PLAN_MEMORY_MODEL.fixedMiB + (PLAN_MEMORY_MODEL.perThousandTenantsMiB * tenants) / 1000;
}

/** The most tenants one stack may hold for its plan to stay within `budgetMiB`. */
export function maxTenantsWithin(budgetMiB: number = PLAN_MEMORY_BUDGET_MIB): number {
  return Math.max(0, Math.floor(((budgetMiB - PLAN_MEMORY_MODEL.fixedMiB) * 1000) / PLAN_MEMORY_MODEL.perThousandTenantsMiB));
}

/** How many stacks of at most `maxTenantsWithin(budgetMiB)` tenants a fleet of `tenants` needs. */
export function shardsNeeded(tenants: number, budgetMiB: number = PLAN_MEMORY_BUDGET_MIB): number {
  const max = maxTenantsWithin(budgetMiB);
  return max === 0 ? Infinity : Math.ceil(tenants / max);
}
