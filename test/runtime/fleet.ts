/**
 * The application repository as the real program would leave it: the program runs under
 * Pulumi's mock runtime (test/program.ts) with a stack file's config, and what it would
 * write to GitHub is read back from its resources: the workflow files, the Actions
 * variables, and (for the S3 gateway) the roles and vault policies.
 */
import { parse } from "yaml";
import { runProgram } from "../program";
import { worldOf, type World } from "../iamWorld";
import { MANIFEST_DIR, type FleetManifest, type ManifestBatch } from "../../src/plan/repository/manifest";
import { WORKFLOW_DIR } from "../../src/core/repositoryContract";
import type { BatchKind } from "../../src/plan/workflows/batchScripts";

export interface Repository {
  /** Path → content of every generated workflow. */
  readonly workflows: ReadonlyMap<string, string>;
  /** Path → content of every other file the program commits (the fleet manifest). */
  readonly files: Readonly<Record<string, string>>;
  readonly manifestPath: string;
  readonly manifest: FleetManifest;
  /** Variable name → value. */
  readonly vars: Record<string, string>;
  readonly world: World;
  /** Per tenant: the connection string the program would store (a secret) and its host. */
  readonly databases: ReadonlyMap<string, { host: string }>;
}

export async function repositoryOf(stack: string, overrides: readonly string[] = []): Promise<Repository> {
  const run = await runProgram(stack, overrides);
  const workflows = new Map<string, string>();
  const files: Record<string, string> = {};
  const vars: Record<string, string> = {};
  for (const r of run.resources) {
    if (r.type === "github:index/repositoryFile:RepositoryFile" && String(r.inputs.file).startsWith(`${WORKFLOW_DIR}/`))
      workflows.set(String(r.inputs.file), String(r.inputs.content));
    else if (r.type === "github:index/repositoryFile:RepositoryFile") files[String(r.inputs.file)] = String(r.inputs.content);
    if (r.type === "github:index/actionsVariable:ActionsVariable") vars[String(r.inputs.variableName)] = String((r.state ?? r.inputs).value);
  }
  const databases = new Map<string, { host: string }>();
  for (const [id, entry] of Object.entries(run.outputs.databasesByTenant as Record<string, { host: string }>)) databases.set(id, { host: entry.host });
  const manifestPath = Object.keys(files).find((f) => f.startsWith(`${MANIFEST_DIR}/`));
  if (!manifestPath) throw new Error("the program committed no fleet manifest");
  return { workflows, files, manifestPath, manifest: JSON.parse(files[manifestPath]) as FleetManifest, vars, world: worldOf(run), databases };
}

/** The workflow kinds the runtime suite runs: the manifest's batch kind, the workflow file and its batch job. */
export const KINDS = Object.freeze({
  backup: { batchKind: "backup" as BatchKind, file: /-backup-/, jobId: "backup" },
  drill: { batchKind: "restoreDrill" as BatchKind, file: /-restore-drill\.yml$/, jobId: "drill" },
  migrate: { batchKind: "migrations" as BatchKind, file: /-migrations\.yml$/, jobId: "migrate" },
});
export type RunKind = keyof typeof KINDS;

/** The manifest's batches of a kind: `[schedule, batches]` pairs (one pair without a schedule for the drill and migrations). */
function batchesOf(m: FleetManifest, kind: RunKind): [string | undefined, readonly ManifestBatch[]][] {
  const k = KINDS[kind].batchKind;
  return k === "backup" ? Object.entries(m.batches.backup) : [[undefined, m.batches[k]]];
}

/** The batch that holds the tenant, its schedule (backups), and the workflow that runs it. */
export function batchFor(repo: Repository, kind: RunKind, tenantId: string): { path: string; content: string; schedule?: string; batch: ManifestBatch } {
  for (const [schedule, batches] of batchesOf(repo.manifest, kind)) {
    const batch = batches.find((b) => b.tenants.includes(tenantId));
    if (!batch) continue;
    for (const [path, content] of repo.workflows) {
      if (!KINDS[kind].file.test(path)) continue;
      if (schedule !== undefined && (parse(content) as { on: { schedule: { cron: string }[] } }).on.schedule[0].cron !== schedule) continue;
      return { path, content, schedule, batch };
    }
  }
  throw new Error(`no ${kind} batch for ${tenantId}`);
}

/** The repository's files with one batch of the manifest narrowed to the given tenants (a test of one tenant). */
export function narrowedFiles(repo: Repository, kind: RunKind, key: string, tenantIds: readonly string[]): Record<string, string> {
  const m = JSON.parse(JSON.stringify(repo.manifest)) as { batches: Record<string, unknown> };
  const narrow = (batches: ManifestBatch[]) => batches.map((b) => (b.key === key ? { ...b, tenants: [...tenantIds] } : b));
  const k = KINDS[kind].batchKind;
  if (k === "backup") {
    const backup = m.batches.backup as Record<string, ManifestBatch[]>;
    for (const s of Object.keys(backup)) backup[s] = narrow(backup[s]);
  } else m.batches[k] = narrow(m.batches[k] as ManifestBatch[]);
  return { ...repo.files, [repo.manifestPath]: JSON.stringify(m) };
}
