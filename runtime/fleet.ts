/**
 * The application repository as the real program would leave it: the program runs under
 * Pulumi's mock runtime (test/program.ts) with a stack file's config, and what it would
 * write to GitHub is read back from its resources: the workflow files, the Actions
 * variables, and (for the S3 gateway) the roles and vault policies.
 */
import { parse } from "yaml";
import { runProgram } from "../test/program";
import { worldOf, type World } from "../test/iamWorld";

export interface Repository {
  /** Path → content of every generated workflow. */
  readonly workflows: ReadonlyMap<string, string>;
  /** Variable name → value. */
  readonly vars: Record<string, string>;
  readonly world: World;
  /** Per tenant: the connection string the program would store (a secret) and its host. */
  readonly databases: ReadonlyMap<string, { host: string }>;
}

export async function repositoryOf(stack: string, overrides: readonly string[] = []): Promise<Repository> {
  const run = await runProgram(stack, overrides);
  const workflows = new Map<string, string>();
  const vars: Record<string, string> = {};
  for (const r of run.resources) {
    if (r.type === "github:index/repositoryFile:RepositoryFile") workflows.set(String(r.inputs.file), String(r.inputs.content));
    if (r.type === "github:index/actionsVariable:ActionsVariable") vars[String(r.inputs.variableName)] = String((r.state ?? r.inputs).value);
  }
  const databases = new Map<string, { host: string }>();
  for (const [id, entry] of Object.entries(run.outputs.databasesByTenant as Record<string, { host: string }>)) databases.set(id, { host: entry.host });
  return { workflows, vars, world: worldOf(run), databases };
}

/** The workflow of a kind that holds the tenant, with its matrix entry for it. */
export function workflowFor(repo: Repository, kind: RegExp, jobId: string, tenantId: string): { path: string; content: string; entry: Record<string, unknown> } {
  for (const [path, content] of repo.workflows) {
    if (!kind.test(path)) continue;
    const job = (parse(content) as { jobs: Record<string, { strategy?: { matrix: { tenant: Record<string, unknown>[] } } }> }).jobs[jobId];
    const entry = job?.strategy?.matrix.tenant.find((t) => t.id === tenantId);
    if (entry) return { path, content, entry };
  }
  throw new Error(`no ${kind} workflow with a ${jobId} job for ${tenantId}`);
}
