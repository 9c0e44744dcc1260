/**
 * How fast one stack's nightly drift preview may read, and how long it takes (docs/drift.md
 * "Pacing"). Pure: the run's calls per service (cost.ts) and the measured time of one Neon API
 * call in, the preview's `--parallel`, the time estimate and the preview's time limit out.
 *
 * What bounds what, from the sources:
 * - `pulumi preview --refresh --parallel P` runs at most P resource operations at once ("Allow P
 *   resource operations to run in parallel at once (1 for no parallelism)",
 *   https://www.pulumi.com/docs/iac/cli/commands/pulumi_preview/). A Neon resource's Read makes
 *   its calls one after another (kislerdm/terraform-provider-neon v0.15.0 provider/
 *   resource_project.go resourceProjectRead L1008-L1052), so P reads in flight send at most
 *   P / (one call's time) calls a second. Nothing else in the provider paces them.
 * - On 429 (and 423, 500) the Neon provider waits a fixed second and runs the whole Read again,
 *   at most 120 times (provider/retry.go L37-L41 and L91-L94): overrunning the budget repeats a
 *   project's earlier calls and, past two minutes, fails the preview. So the drift stays under
 *   its share instead of relying on the retry.
 * - The GitHub provider sends one request at a time unless `parallel_requests` is set, and on
 *   the primary rate limit sleeps until the limit resets, then retries
 *   (integrations/terraform-provider-github v6.13.0 github/transport.go L61-L63, L105-L112,
 *   L134-L144): GitHub's calls cannot overrun the App's budget, they wait for the next hour, and
 *   while they wait they hold Pulumi's parallel slots. The estimate therefore adds the services'
 *   times instead of overlapping them.
 */
import { JOB_TIMEOUT_CAP_MINUTES } from "../../plan/workflows/batchScripts";
import { BUDGETS, type CostEstimate } from "./cost";

/**
 * The share of the Neon account's 700 requests a minute the nightly drift may take: the rest
 * stays for what runs at the same time (deploys, the backups' and signups' API use; Neon's
 * budget is per account, https://api-docs.neon.tech/reference/api-rate-limiting).
 */
export const DRIFT_NEON_SHARE = 0.5;

/**
 * What the drift job spends outside the preview: the installs, the program's run inside the
 * preview (a 10,000-tenant plan takes 58 s, issue 36's bench), the regions check's listing and the
 * report; the preview's own limit is the job's (JOB_TIMEOUT_CAP_MINUTES, six hours on
 * GitHub-hosted runners) less this.
 */
export const DRIFT_JOB_OVERHEAD_MINUTES = 15;

/** The preview's time limit over its estimate: a night at half the expected speed still finishes. */
export const TIMEOUT_FACTOR = 2;

/** Calls Neon's API may take a second from the drift, at its share. */
export function neonCallsPerSecond(): number {
  const neon = BUDGETS.neon!;
  return (neon.calls * DRIFT_NEON_SHARE) / (neon.perMinutes * 60);
}

export interface Pace {
  /** `pulumi preview --parallel`. */
  readonly parallel: number;
  readonly neonMinutes: number;
  readonly githubMinutes: number;
  /** Everything: the job's overhead, Neon's and GitHub's reads one after the other. */
  readonly estimateMinutes: number;
  /** The preview's own time limit (whole minutes): the estimate times TIMEOUT_FACTOR, less the overhead. */
  readonly timeoutMinutes: number;
  /** Whether the limit fits one job; when not, the largest stack (in tenants) that would. */
  readonly fits: boolean;
  readonly maxTenants: number;
}

const callsOf = (cost: CostEstimate, service: "neon" | "github") => cost.services.find((s) => s.service === service)?.calls ?? 0;

/**
 * The pace of one stack's drift preview: `cost` is its run's calls (driftCost), `callSeconds`
 * the time one Neon API call took, measured just before (the least of a few).
 */
export function driftPace(cost: CostEstimate, callSeconds: number): Pace {
  if (!(callSeconds > 0)) throw new Error(`internal: a Neon call's time must be positive, got ${callSeconds}`);
  const share = neonCallsPerSecond();
  // The epsilon keeps a product like 5.8333 × 1.2 from flooring to one less than it is.
  const parallel = Math.max(1, Math.floor(share * callSeconds + 1e-9));
  const neonPerSecond = Math.min(share, parallel / callSeconds);
  const neonMinutes = callsOf(cost, "neon") / neonPerSecond / 60;
  const github = BUDGETS.github!;
  const githubMinutes = (callsOf(cost, "github") / github.calls) * github.perMinutes;
  const readMinutes = neonMinutes + githubMinutes;
  const estimateMinutes = DRIFT_JOB_OVERHEAD_MINUTES + readMinutes;
  const timeoutMinutes = Math.ceil(Math.max(1, readMinutes * TIMEOUT_FACTOR));
  const previewLimit = JOB_TIMEOUT_CAP_MINUTES - DRIFT_JOB_OVERHEAD_MINUTES;
  const perTenant = cost.tenants > 0 ? readMinutes / cost.tenants : 0;
  const maxTenants = perTenant > 0 ? Math.floor(previewLimit / TIMEOUT_FACTOR / perTenant) : Number.MAX_SAFE_INTEGER;
  return { parallel, neonMinutes, githubMinutes, estimateMinutes, timeoutMinutes, fits: timeoutMinutes <= previewLimit, maxTenants };
}

const min = (m: number) => (m < 90 ? `${m.toFixed(1)} min` : `${(m / 60).toFixed(1)} h`);

/** The sentence printed before the preview runs. */
export function paceText(stack: string, cost: CostEstimate, pace: Pace, callSeconds: number): string {
  const head =
    `${stack}: ${cost.tenants.toLocaleString("en-US")} tenants, ${callsOf(cost, "neon").toLocaleString("en-US")} Neon and ` +
    `${callsOf(cost, "github").toLocaleString("en-US")} GitHub calls; a Neon call took ${(callSeconds * 1000).toFixed(0)} ms, ` +
    `so --parallel ${pace.parallel} keeps under ${Math.round(neonCallsPerSecond() * 60)} of Neon's ${BUDGETS.neon!.calls} a minute ` +
    `(Neon ${min(pace.neonMinutes)}, GitHub ${min(pace.githubMinutes)} at ${BUDGETS.github!.what}); ` +
    `estimate ${min(pace.estimateMinutes)}, preview limit ${pace.timeoutMinutes} min`;
  if (pace.fits) return `${head}.`;
  return (
    `${head}: more than one job's ${JOB_TIMEOUT_CAP_MINUTES} minutes. Split the stack into shards of at most ` +
    `${pace.maxTenants.toLocaleString("en-US")} tenants (secretScope: repository makes fewer GitHub calls a tenant).`
  );
}
