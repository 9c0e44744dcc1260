/**
 * The rules of a tenants file beyond its schema: those that need the region catalog, the
 * stack's settings and limits, or several tenants at once. Each is a small named function
 * of the parsed file; all run, so one run reports every problem.
 */
import { regionAndResidency } from "./regions";
import { distinctNames, uniqueIds } from "./identity";
import { reservedIds } from "./reservedIds";
import { computeSizes } from "./compute";
import { rolloutWaves, scheduleKeepsRpo, scheduleMinutes } from "./schedules";
import { acknowledgementScope } from "./acknowledgements";
import { oneOwner } from "./shards";
import { credentialParameters, lifecycleRulesPerVault, neonProjects, pitrWithinPlan, planMemory, repositorySecrets, stackSize } from "./limits";
import { moveTarget, projectNames } from "./move";
import { bindings } from "./binding";
import { tierReferences } from "./tiers";
import type { Rule } from "./types";

export const RULES: Readonly<Record<string, Rule>> = Object.freeze({
  regionAndResidency,
  uniqueIds,
  reservedIds,
  distinctNames,
  computeSizes,
  scheduleMinutes,
  scheduleKeepsRpo,
  rolloutWaves,
  acknowledgementScope,
  oneOwner,
  lifecycleRulesPerVault,
  pitrWithinPlan,
  neonProjects,
  stackSize,
  planMemory,
  repositorySecrets,
  credentialParameters,
  moveTarget,
  projectNames,
  bindings,
  tierReferences,
});

export type { LoadContext, Rule, RuleInput, Entry, Placeable } from "./types";
export { GITHUB_REPOSITORY_SECRET_LIMIT, S3_LIFECYCLE_RULE_LIMIT, SSM_STANDARD_PARAMETER_LIMIT } from "./limits";
