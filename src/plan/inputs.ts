/**
 * Settings and fleet of one stack, validated the same way for `pulumi up` (src/plan/stack.ts)
 * and for the offline tools (the plan, the regions report): settings, then the tenants file
 * with everything the settings imply (residencies, limits, shards), then the dev seed.
 */
import { realpathSync } from "node:fs";
import * as path from "node:path";
import { loadTenantsFile, GITHUB_REPOSITORY_SECRET_LIMIT, SSM_STANDARD_PARAMETER_LIMIT, type LoadContext } from "../../tenants/load";
import { isActive, type Fleet } from "../../tenants/model";
import type { Problem } from "../core/diagnostics/problems";
import { locateConfigKey, locateKey, NAMESPACE, parseStackSettings, shorten, type SettingsSource, type StackSettings } from "../core/config/settings";
import { describeShard, owns, shardCollisions, shardKey, shardStacks, type ShardStack } from "../core/config/shards";
import { planWorkflows, workflowSettings } from "./workflows/render";
import { ROLE_PURPOSES, trustPolicyLength } from "./iam/workflowAccess";
import { devSeedProblems } from "../core/config/devSeed";
import { GITHUB_TOKEN, NEON_API_KEY } from "../core/config/credentials";
import { fleetNames } from "../core/repositoryContract";
import { grantScopeProblem } from "./grantScopeWarning";
import { planMemoryBudgetMiB } from "../core/planMemory";

/** Tenants per stack above which the loader warns: see docs/scale.md. */
export const RECOMMENDED_STACK_SIZE = 2000;

/** What validating the tenants file needs to know about the stack and its shards. */
export function fleetContext(settings: StackSettings, stackFile: string, shards: readonly ShardStack[] = []): LoadContext {
  const repo = (s: StackSettings) => `${s.github.owner}/${s.github.repository}`.toLowerCase();
  const sharded = shards.length > 1;
  return {
    residencies: { allowed: settings.allowedResidencies, source: `${stackFile} ${NAMESPACE}:allowedResidencies` },
    waves: { names: settings.workflows.migrationWaves, source: `${stackFile} ${NAMESPACE}:migrationWaves` },
    snapshots: { default: settings.backup.snapshots },
    limits: {
      repositorySecrets: settings.secretScope === "repository" ? GITHUB_REPOSITORY_SECRET_LIMIT - settings.workflows.repositorySecretHeadroom : undefined,
      parametersPerRegion: settings.secretScope === "region" ? SSM_STANDARD_PARAMETER_LIMIT : undefined,
      neonProjects: settings.neonLimits.projects,
      neonHistoryRetentionHours: settings.neonLimits.historyRetentionHours,
      // The stack's own projects: the dev/test project and the fleet catalog.
      extraProjects: (settings.devProject ? 1 : 0) + (settings.catalog ? 1 : 0),
      recommendedTenants: RECOMMENDED_STACK_SIZE,
      planMemoryMiB: planMemoryBudgetMiB(),
    },
    ...(sharded
      ? {
          shards: {
            stack: settings.stack,
            owners: (t) => shards.filter((s) => owns(s.settings, t)).map((s) => s.stack),
            summary: shards.map((s) => `${s.stack}: ${describeShard(s.settings)}`).join("; "),
            // Shards writing repository secrets to the same repository share its 100 secrets.
            countsForSecretLimit: (t) =>
              shards.some((s) => owns(s.settings, t) && s.settings.secretScope === "repository" && repo(s.settings) === repo(settings)),
          },
        }
      : {}),
  };
}

export interface StackInputs {
  readonly settings?: StackSettings;
  /** The tenants this stack owns; absent when any error was found. */
  readonly fleet?: Fleet;
  /** Errors and warnings, each with file:line:col. */
  readonly problems: readonly Problem[];
  readonly shards: readonly ShardStack[];
}

/** Set to 1 (or `--allow-outside-project` on the command line) to read a tenants file outside the project. */
export const ALLOW_OUTSIDE_PROJECT = "TENANT_FLEET_ALLOW_OUTSIDE_PROJECT";

/**
 * Where a tenants file really is when it lies outside the project (after following links),
 * else undefined. A file that does not exist is left to the loader to report.
 */
export function outsideProject(root: string, file: string): string | undefined {
  let real: string;
  try {
    real = realpathSync(file);
  } catch {
    return undefined;
  }
  const rel = path.relative(realpathSync(root), real);
  return rel === "" || rel.startsWith("..") || path.isAbsolute(rel) ? real : undefined;
}

export function resolveStackInputs(raw: Readonly<Record<string, string | undefined>>, source: SettingsSource, root: string): StackInputs {
  const parsed = parseStackSettings(raw, source);
  if (!parsed.settings) return { problems: parsed.problems, shards: [] };
  const settings = parsed.settings;
  const outside = process.env[ALLOW_OUTSIDE_PROJECT] === "1" ? undefined : outsideProject(root, path.resolve(root, settings.tenantsFile));
  if (outside !== undefined) {
    const where = source.overridden?.has("tenantsFile")
      ? { file: "--tenants", line: 1, col: 1 }
      : { file: source.file, ...locateKey(source.text, "tenantsFile") };
    const named = path.resolve(root, settings.tenantsFile);
    const message = `${JSON.stringify(shorten(settings.tenantsFile))} ${named === outside ? "is" : `leads to ${JSON.stringify(shorten(outside))},`} outside the project (${root}): a pull request or a link could make the stack read any file; keep the tenants file in the project, or run with --allow-outside-project (${ALLOW_OUTSIDE_PROJECT}=1) when that is what you mean`;
    return { settings, problems: [{ severity: "error", ...where, path: `${NAMESPACE}:tenantsFile`, message }], shards: [] };
  }
  const shards = shardStacks(root, { stack: settings.stack, settings });
  const result = loadTenantsFile(path.resolve(root, settings.tenantsFile), fleetContext(settings, source.file, shards), settings.tenantsFile);
  // The settings' warnings (a key in a namespace this stack does not read, ESC imports) come first.
  const problems: Problem[] = [...parsed.problems, ...result.problems, ...shardCollisions(settings.stack, shards, source.text)];
  if (result.fleet) problems.push(...devSeedProblems(settings, result.fleet, source));
  if (!result.fleet || problems.some((p) => p.severity === "error")) return { settings, problems, shards };
  const fleet: Fleet = Object.freeze({ ...result.fleet, tenants: Object.freeze(result.fleet.tenants.filter((t) => owns(settings, t))) });
  problems.push(...accessProblems(settings, fleet, shards, source));
  const widened = grantScopeProblem(settings, fleet, source);
  if (widened) problems.push(widened);
  if (problems.some((p) => p.severity === "error")) return { settings, problems, shards };
  return { settings, fleet, problems, shards };
}

/**
 * What the workflow roles need from the stack: trust policies that fit IAM's limit in this
 * account, and a word when nobody could ever erase a backup or retire a key.
 */
export function accessProblems(settings: StackSettings, fleet: Fleet, shards: readonly ShardStack[], source: SettingsSource): Problem[] {
  const at = (key: string, severity: Problem["severity"], message: string): Problem => ({
    severity,
    file: source.file,
    ...locateKey(source.text, key),
    path: `${NAMESPACE}:${key}`,
    message,
  });
  const problems: Problem[] = [];
  const files = planWorkflows(fleet.tenants, workflowSettings(settings, fleetNames(shardKey(settings.stack, shards))));
  const limit = settings.backup.trustPolicyLengthLimit;
  for (const { workflowKind, title } of Object.values(ROLE_PURPOSES)) {
    const paths = files.filter((f) => f.kind === workflowKind).map((f) => f.path);
    if (!paths.length) continue;
    const length = trustPolicyLength(settings.github, paths);
    if (length > limit) {
      problems.push(
        at(
          "trustPolicyLengthLimit",
          "error",
          `the ${title} role would trust ${paths.length} workflow files, a ${length}-character trust policy, and IAM allows ${limit} in this account; use fewer distinct backup schedules, shard the stack (shardResidencies, shardRegions), or request a higher "Role trust policy length" quota (at most 8192) and set ${NAMESPACE}:trustPolicyLengthLimit to it`,
        ),
      );
    }
  }
  if (settings.protect && settings.secretScope === "repository" && fleet.tenants.some(isActive)) {
    problems.push(
      at(
        "secretScope",
        "warning",
        `repository scope in a protected stack: every workflow on every branch of ${settings.github.owner}/${settings.github.repository} can read every tenant's connection string, so anyone who can push a branch can; use secretScope environment (one environment per tenant, readable only by runs of ${settings.github.branch}) or region (SSM parameters in the tenant's AWS region, readable only by the generated workflows' roles) for production`,
      ),
    );
  }
  // Deploy credentials in the stack file are readable by whoever decrypts its config, and
  // a pull request's preview must (docs/deploying.md "Credentials"): they belong in the environment.
  for (const c of [NEON_API_KEY, GITHUB_TOKEN]) {
    const where = locateConfigKey(source.text, c.configKey, true);
    if (where) {
      problems.push({
        severity: "warning",
        file: source.file,
        ...where,
        path: c.configKey,
        message: `in the stack file, where anyone who can decrypt this stack's config can use it, an approved pull-request preview included; deploys take it from ${c.inCi}, so run pulumi config rm ${c.configKey} --stack ${settings.stack}`,
      });
    }
  }
  // Where tenants' data is processed: once the stack maps runners, a residency left out runs on GitHub-hosted runners.
  const mapped = settings.workflows.runnerLabels;
  if (Object.keys(mapped).length) {
    const unmapped = fleet.tenants.filter((t) => isActive(t) && !mapped[t.residency]);
    if (unmapped.length) {
      const residencies = [...new Set(unmapped.map((t) => t.residency))].sort();
      problems.push(
        at(
          "runnerLabels",
          "warning",
          `maps no runner for ${residencies.join(", ")}: the backups, drills, migrations, restores and exports of ${unmapped.length} active tenant(s) (${unmapped
            .slice(0, 5)
            .map((t) => t.id)
            .join(
              ", ",
            )}${unmapped.length > 5 ? ", ..." : ""}) run on GitHub-hosted runners, outside their jurisdiction; add ${residencies.map((r) => `${r}=LABELS`).join(", ")} to ${NAMESPACE}:runnerLabels`,
        ),
      );
    }
  }
  if (!settings.backup.breakGlassPrincipal && fleet.tenants.length) {
    problems.push(
      at(
        "breakGlassPrincipal",
        "warning",
        `not set: nobody can delete a backup, change its tags, or disable or schedule the deletion of a vault key (erasure requests and decommissioning need it), and the vaults' lifecycle, policies, versioning and key policies stay changeable by the identities that run pulumi up (docs/deploying.md "Vault custody"); name the one IAM role for that: pulumi config set ${NAMESPACE}:breakGlassPrincipal arn:aws:iam::ACCOUNT:role/NAME --stack ${settings.stack}`,
      ),
    );
  }
  return problems;
}
