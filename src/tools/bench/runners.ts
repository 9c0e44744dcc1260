/**
 * The runner-minute model of `npm run bench -- --runners`: from the generated workflow files
 * of a fleet, the jobs one night of backups starts, the minutes GitHub bills for them (each
 * job rounded up to a whole minute), and the wall-clock at a number of concurrent jobs.
 * Pure: it reads workflow YAML, runs nothing.
 *
 * Per job it assumes a setup time (runner start, checkout, Postgres client install, AWS
 * sign-in) and a dump time per tenant the job handles, run `parallel` at a time; both are
 * parameters, their defaults from the runtime suite's measurements (docs/backups.md).
 *
 * With an idle share (`--idle-share 0.7`, issue 35), that share of each job's tenants is idle
 * since its last dump: every tenant first costs the unchanged check (sh/unchanged-check.sh:
 * one S3 listing and one manifest read), an idle one is then left asleep, except that each is
 * dumped once every `maxSkipDays` nights (backupMaxSkipDays), so on an average night
 * `idle / maxSkipDays` of them are dumped too. A dumped tenant is a compute woken. Deciding
 * costs Neon calls in each workflow's planning job before any batch starts (`neonReads`): the
 * project list and one paced `GET /projects/{id}` per tenant's project; they lengthen that job.
 */
import { parse } from "yaml";
import { NEON_PAGE_LIMIT, NEON_PROJECT_SPACING_MS, NEON_REQUEST_SPACING_MS } from "../../plan/workflows/activityScripts";
import { MAX_MATRIX_JOBS } from "../../plan/repository/manifest";

export interface JobModel {
  readonly setupSeconds: number;
  readonly dumpSeconds: number;
  /** The share (0 to 1) of tenants idle since their last dump; absent: every tenant is dumped, no check runs. */
  readonly idleShare?: number;
  /** Seconds of the unchanged check per tenant (two S3 requests through the AWS CLI). */
  readonly checkSeconds?: number;
  /** backupMaxSkipDays: an idle tenant is dumped once in this many nights. */
  readonly maxSkipDays?: number;
}

/** The unchanged check's default cost: two AWS CLI calls of about a second each. */
export const DEFAULT_CHECK_SECONDS = 2;

/** Defaults: the runtime suite's small tenant took 8 s to inspect, dump, upload and complete; setup is the apt install of the Postgres client plus sign-in on a GitHub runner. */
export const DEFAULT_JOB_MODEL: JobModel = Object.freeze({ setupSeconds: 60, dumpSeconds: 10 });

export interface Job {
  readonly workflow: string;
  readonly job: string;
  /** Tenants the job handles (1 for a job per tenant). */
  readonly tenants: number;
  /** Of those, the ones dumped on an average night (each wakes its compute); fractional with an idle share. */
  readonly dumped: number;
  readonly seconds: number;
}

/** A backup job's tenants dumped on an average night, and its seconds, under the model. */
function tenantJob(tenants: number, model: JobModel, parallel: number): { dumped: number; seconds: number } {
  if (model.idleShare === undefined) return { dumped: tenants, seconds: model.setupSeconds + Math.ceil(tenants / parallel) * model.dumpSeconds };
  const idle = tenants * model.idleShare;
  const dumped = tenants - idle + idle / Math.max(1, model.maxSkipDays ?? 1);
  const check = Math.ceil(tenants / parallel) * (model.checkSeconds ?? DEFAULT_CHECK_SECONDS);
  return { dumped, seconds: model.setupSeconds + check + Math.ceil(dumped / parallel) * model.dumpSeconds };
}

/** The Neon calls of one or more planning jobs, and the seconds their pacing takes at least. */
export interface NeonReads {
  /** `GET /projects` pages: the organisation's projects, NEON_PAGE_LIMIT a page. */
  readonly listCalls: number;
  /** `GET /projects/{id}`: one per project of the workflow's tenants. */
  readonly projectCalls: number;
  /** The pacing alone (answers faster than the spacing): list pages NEON_REQUEST_SPACING_MS apart, project reads NEON_PROJECT_SPACING_MS apart. */
  readonly seconds: number;
}

/**
 * One backup workflow's Neon reads (sh/neon-activity.sh): the list over `projectsInOrg`
 * projects (at least one page) and a read per project of its `tenants` (one project each).
 */
export function neonReads(tenants: number, projectsInOrg: number): NeonReads {
  const listCalls = Math.max(1, Math.ceil(projectsInOrg / NEON_PAGE_LIMIT));
  return { listCalls, projectCalls: tenants, seconds: (listCalls * NEON_REQUEST_SPACING_MS + tenants * NEON_PROJECT_SPACING_MS) / 1000 };
}

/** Several planning jobs' reads together. */
export function addNeonReads(all: readonly NeonReads[]): NeonReads {
  return all.reduce((a, b) => ({ listCalls: a.listCalls + b.listCalls, projectCalls: a.projectCalls + b.projectCalls, seconds: a.seconds + b.seconds }), {
    listCalls: 0,
    projectCalls: 0,
    seconds: 0,
  });
}

/**
 * The matrices the planning job would print, from the manifest's batches: `slot_<n>` is
 * the n-th 256 of them, each entry with its tenants (the real entries carry only the key;
 * the model needs the count).
 */
export function slotResolver(batches: readonly { readonly tenants: readonly string[] }[]): (expression: string) => unknown {
  return (expression) => {
    const slot = /^\$\{\{\s*fromJSON\(needs\.plan\.outputs\.slot_(\d+)\)\s*\}\}$/.exec(expression.trim());
    if (!slot) return undefined;
    const n = Number(slot[1]);
    return batches.slice((n - 1) * MAX_MATRIX_JOBS, n * MAX_MATRIX_JOBS);
  };
}

/** How many jobs a `strategy.matrix` expands to, and the tenants each handles. */
function expand(matrix: unknown, resolve: (expression: string) => unknown): { tenants: number }[] {
  // A matrix of one dimension given by an expression (`batch: ${{ fromJSON(...) }}`).
  if (matrix && typeof matrix === "object" && !Array.isArray(matrix)) {
    const dims = Object.entries(matrix as Record<string, unknown>);
    if (dims.length === 1 && typeof dims[0][1] === "string") {
      const values = resolve(dims[0][1] as string);
      if (Array.isArray(values))
        return values.map((v) => ({
          tenants: v && typeof v === "object" && Array.isArray((v as { tenants?: unknown[] }).tenants) ? (v as { tenants: unknown[] }).tenants.length : 1,
        }));
    }
  }
  const m = typeof matrix === "string" ? resolve(matrix) : matrix;
  if (m === undefined || m === null) return [{ tenants: 1 }];
  if (typeof m !== "object" || Array.isArray(m)) throw new Error(`a matrix the model cannot read: ${JSON.stringify(m).slice(0, 80)}`);
  const entries = Object.entries(m as Record<string, unknown>).filter(([k]) => k !== "include" && k !== "exclude");
  const combos = entries.reduce((n, [, v]) => n * (Array.isArray(v) ? v.length : 1), entries.length ? 1 : 0);
  const include = Array.isArray((m as { include?: unknown[] }).include) ? (m as { include: unknown[] }).include : [];
  const tenantsOf = (x: unknown) =>
    x && typeof x === "object" && Array.isArray((x as { tenants?: unknown[] }).tenants) ? (x as { tenants: unknown[] }).tenants.length : 1;
  return [...Array.from({ length: combos }, () => ({ tenants: 1 })), ...include.map((x) => ({ tenants: tenantsOf(x) }))];
}

/** Every job a workflow file starts in one run, with its modelled duration. */
export function jobsOf(
  path: string,
  yaml: string,
  model: JobModel = DEFAULT_JOB_MODEL,
  resolve: (expression: string) => unknown = () => undefined,
  parallel = 1,
): Job[] {
  const doc = parse(yaml) as { jobs: Record<string, { strategy?: { matrix?: unknown }; steps?: unknown[] }> };
  const out: Job[] = [];
  for (const [name, job] of Object.entries(doc.jobs)) {
    const handlesTenants = JSON.stringify(job.steps ?? []).includes("pg_dump");
    for (const { tenants } of expand(job.strategy?.matrix, resolve)) {
      const { dumped, seconds } = handlesTenants ? tenantJob(tenants, model, parallel) : { dumped: 0, seconds: 10 };
      out.push({ workflow: path, job: name, tenants: handlesTenants ? tenants : 0, dumped, seconds });
    }
  }
  return out;
}

/** GitHub bills each job in whole minutes, rounded up. */
export function billedMinutes(jobs: readonly Job[]): number {
  return jobs.reduce((sum, j) => sum + Math.max(1, Math.ceil(j.seconds / 60)), 0);
}

/**
 * Wall-clock of a night's jobs on `concurrency` runners: the tenant jobs, longest first, each
 * on the runner free soonest, then the jobs that wait for them (the alert).
 */
export function wallClockSeconds(jobs: readonly Job[], concurrency: number): number {
  const work = jobs
    .filter((j) => j.tenants > 0)
    .map((j) => j.seconds)
    .sort((a, b) => b - a);
  const after = jobs.filter((j) => j.tenants === 0).reduce((m, j) => Math.max(m, j.seconds), 0);
  const runners = new Array<number>(Math.min(concurrency, Math.max(1, work.length))).fill(0);
  for (const s of work) {
    let i = 0;
    for (let k = 1; k < runners.length; k++) if (runners[k] < runners[i]) i = k;
    runners[i] += s;
  }
  return Math.max(...runners) + after;
}

export const CONCURRENCY = [20, 60, 500] as const;

/** What one night of backups should cost (the benchmark's targets, and what npm run init sizes a stack by). */
export const RUNNER_TARGETS = Object.freeze({ billedMinutes: 60, wallClockMinutes: 15, concurrency: 20 } as const);

export interface RunnerRow {
  readonly tenants: number;
  /** The secret scope; `region*`: the concentrated fleet (three regions, one schedule). */
  readonly scope: string;
  /** Distinct backup schedules: workflow files are one per schedule, plus the drill, migrations and the manifest. */
  readonly schedules: number;
  readonly files: number;
  readonly jobs: number;
  readonly billedMinutes: number;
  readonly wallClockMinutes: Readonly<Record<(typeof CONCURRENCY)[number], number>>;
  /** Computes a night's dumps wake (every tenant dumped wakes its compute if it was asleep), rounded. */
  readonly computesWoken: number;
  /** With an idle share: the planning jobs' Neon calls of the night (all schedules), and the longest one's paced seconds. */
  readonly neon?: NeonReads & { readonly longestPlanSeconds: number };
}

export function runnerRow(tenants: number, files: number, jobs: readonly Job[], scope = "environment", schedules = 1, neon?: RunnerRow["neon"]): RunnerRow {
  const wall = Object.fromEntries(CONCURRENCY.map((c) => [c, wallClockSeconds(jobs, c) / 60])) as Record<(typeof CONCURRENCY)[number], number>;
  const computesWoken = Math.round(jobs.reduce((n, j) => n + j.dumped, 0));
  return {
    tenants,
    scope,
    schedules,
    files,
    jobs: jobs.length,
    billedMinutes: billedMinutes(jobs),
    wallClockMinutes: wall,
    computesWoken,
    ...(neon ? { neon } : {}),
  };
}

/** The Neon calls lines: what the planning jobs ask Neon for a night, and the time their pacing takes. */
function renderNeonReads(rows: readonly RunnerRow[]): string[] {
  const read = rows.filter((r) => r.neon);
  if (read.length === 0) return [];
  return [
    `Neon calls a night (planning jobs, before any dump; list pages ${NEON_REQUEST_SPACING_MS} ms apart, one GET /projects/{id} per tenant ${NEON_PROJECT_SPACING_MS} ms apart; in wall-clock and billed minutes above):`,
    ...read.map((r) => {
      const n = r.neon!;
      return `  ${String(r.tenants).padStart(6)} ${r.scope.padStart(11)}: ${n.listCalls + n.projectCalls} calls (${n.listCalls} list + ${n.projectCalls} project), ${n.seconds.toFixed(0)} s paced, longest planning job ${(n.longestPlanSeconds / 60).toFixed(1)} min`;
    }),
  ];
}

export function renderRunners(rows: readonly RunnerRow[], model: JobModel): string {
  const pad = (s: string | number, n: number) => String(s).padStart(n);
  const idle =
    model.idleShare === undefined
      ? ""
      : `; ${Math.round(model.idleShare * 100)} % of tenants idle (--idle-share), each checked in ${model.checkSeconds ?? DEFAULT_CHECK_SECONDS} s and dumped anyway once in ${model.maxSkipDays ?? 1} nights (backupMaxSkipDays)`;
  const out = [
    `one night of backups (setup ${model.setupSeconds} s per job, ${model.dumpSeconds} s per tenant; --setup-seconds, --dump-seconds${idle})`,
    `${pad("tenants", 8)} ${pad("scope", 11)} ${pad("sched.", 6)} ${pad("files", 6)} ${pad("jobs", 6)} ${pad("billed min", 11)} ${CONCURRENCY.map((c) => pad(`wall @${c}`, 10)).join(" ")} ${pad("woken", 7)}`,
  ];
  for (const r of rows)
    out.push(
      `${pad(r.tenants, 8)} ${pad(r.scope, 11)} ${pad(r.schedules, 6)} ${pad(r.files, 6)} ${pad(r.jobs, 6)} ${pad(r.billedMinutes, 11)} ${CONCURRENCY.map((c) => pad(`${r.wallClockMinutes[c].toFixed(1)} min`, 10)).join(" ")} ${pad(r.computesWoken, 7)}`,
    );
  out.push("woken: computes the night's dumps start (a dump wakes a suspended compute; an idle tenant left asleep wakes none)");
  out.push(...renderNeonReads(rows));
  out.push("region*: the same fleet concentrated in three regions on one schedule; the others spread over every active region and three schedules");
  out.push("", "targets (region scope, 1,000 tenants):");
  for (const thousand of rows.filter((r) => r.tenants === 1000 && r.scope.startsWith("region"))) {
    const shape = thousand.scope === "region*" ? "concentrated" : "spread";
    const { billedMinutes, wallClockMinutes, concurrency } = RUNNER_TARGETS;
    out.push(
      `  ${thousand.billedMinutes < billedMinutes ? "met   " : "missed"} nightly backup under ${billedMinutes} billed runner-minutes (${shape}): ${thousand.billedMinutes}`,
    );
    out.push(
      `  ${thousand.wallClockMinutes[concurrency] < wallClockMinutes ? "met   " : "missed"} under ${wallClockMinutes} minutes wall-clock with ${concurrency} concurrent jobs (${shape}): ${thousand.wallClockMinutes[concurrency].toFixed(1)} min`,
    );
  }
  const byScope = new Map<string, RunnerRow[]>();
  for (const r of rows) byScope.set(r.scope, [...(byScope.get(r.scope) ?? []), r]);
  // Files are one per schedule plus fixed ones: the part that is not the schedules must not move with N.
  const independent = [...byScope.values()].every((rs) => new Set(rs.map((r) => r.files - r.schedules)).size <= 1);
  out.push(
    `  ${independent ? "met   " : "missed"} files besides one per schedule independent of the fleet size: ${[...byScope].map(([scope, rs]) => `${scope} ${rs.map((r) => `${r.files - r.schedules} at ${r.tenants}`).join(", ")}`).join("; ")}`,
  );
  return `${out.join("\n")}\n`;
}
