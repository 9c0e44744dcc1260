/**
 * The Neon checks: NEON_API_KEY reaches the stack's organisation, and the projects there plus
 * the ones the first `pulumi up` creates fit `tenant-fleet:neonProjectLimit`. Reads only
 * (GET /organizations/{org_id}, GET /projects), through @neondatabase/api-client; NEON_API_URL
 * points it at another API as for the other commands.
 */
import { NEON_API_KEY } from "../../core/config/credentials";
import { answerOf, listProjects, neonApi, NeonApiError, type NeonApi } from "../../operations/neonApi";
import { fail, ok, skip, type Check } from "./report";

export interface NeonTarget {
  readonly orgId?: string;
  readonly projectLimit?: number;
  /** The Neon project names the plan registers. */
  readonly plannedProjects: readonly string[];
}

const KEY_CHECK = "neon key";

export async function checkNeon(env: NodeJS.ProcessEnv, target: NeonTarget): Promise<Check[]> {
  if (!env.NEON_API_KEY) return [skip(KEY_CHECK, "NEON_API_KEY is not set", NEON_API_KEY.fix)];
  const api = neonApi("read the organisation's projects");
  if (!target.orgId)
    return [
      skip(
        `${KEY_CHECK}: organisation`,
        "tenant-fleet:neonOrgId is not set, so the projects go to the key's own account and there is no organisation to check",
        "set tenant-fleet:neonOrgId to the organisation (org-…) that should own the tenants' projects",
      ),
    ];
  const reached = await organisation(api, target.orgId);
  if (reached.status !== "ok") return [reached];
  return [reached, await projectCount(api, target as NeonTarget & { orgId: string })];
}

async function organisation(api: NeonApi, orgId: string): Promise<Check> {
  const name = `neon organisation ${orgId}`;
  try {
    const org = (await api.getOrganization(orgId)).data;
    return ok(name, `NEON_API_KEY reaches ${JSON.stringify(org.name)} (plan ${org.plan})`);
  } catch (err) {
    const status = (err as { response?: { status?: number } }).response?.status;
    if (status === 401)
      return fail(name, `Neon rejects NEON_API_KEY (${answerOf(err)})`, "create a new key (Neon console → Organization settings → API keys) and export it");
    if (status === 403 || status === 404)
      return fail(
        name,
        `NEON_API_KEY does not reach it (${answerOf(err)})`,
        `use an organisation API key of ${orgId} (Neon console → Organization settings → API keys), or correct tenant-fleet:neonOrgId`,
      );
    return fail(name, `Neon's API did not answer as expected (${answerOf(err)})`, "check the network (and NEON_API_URL, if set), then run the doctor again");
  }
}

async function projectCount(api: NeonApi, target: NeonTarget & { orgId: string }): Promise<Check> {
  const name = `neon projects of ${target.orgId}`;
  let listed;
  try {
    listed = await listProjects(api, target.orgId);
  } catch (err) {
    if (err instanceof NeonApiError)
      return fail(name, err.message.replace(/; [^;]*$/, ""), "check that the key may list the organisation's projects, then run again");
    throw err;
  }
  const existing = new Set(listed.map((p) => p.name));
  const toCreate = [...new Set(target.plannedProjects)].filter((n) => !existing.has(n)).length;
  const after = listed.length + toCreate;
  const counted = `${listed.length} project(s) now, ${toCreate} more after the first pulumi up (${after})`;
  if (target.projectLimit === undefined) return ok(name, `${counted}; tenant-fleet:neonProjectLimit is not set, so nothing to compare with`);
  return after <= target.projectLimit
    ? ok(name, `${counted}, within tenant-fleet:neonProjectLimit ${target.projectLimit}`)
    : fail(
        name,
        `${counted}, over tenant-fleet:neonProjectLimit ${target.projectLimit}`,
        "raise the Neon plan's project limit (and the setting), delete projects no stack owns (npm run fleet -- orphans lists them), or shard the fleet",
      );
}
