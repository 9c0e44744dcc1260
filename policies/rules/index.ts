/** Every rule of the pack, in the order the pack registers them. */
import { neonProjectResidency } from "./neonProjectResidency";
import { backupVaultHardening } from "./backupVaultHardening";
import { backupVaultJurisdiction } from "./backupVaultJurisdiction";
import { tenantCredentialsJurisdiction } from "./tenantCredentialsJurisdiction";
import { oidcRoleTrust } from "./oidcRoleTrust";
import { backupRoleNoDelete } from "./backupRoleNoDelete";
import { backupKeyPolicy } from "./backupKeyPolicy";
import { dataResourcesProtected } from "./dataResourcesProtected";
import { workflowNoLiteralCredentials } from "./workflowNoLiteralCredentials";
import { workflowActionsPinned } from "./workflowActionsPinned";
import type { Rule } from "./types";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- rules whose configs differ: each reads its own shape of the pack config
export const RULES: readonly Rule<any>[] = Object.freeze([
  neonProjectResidency,
  backupVaultHardening,
  backupVaultJurisdiction,
  tenantCredentialsJurisdiction,
  oidcRoleTrust,
  backupRoleNoDelete,
  backupKeyPolicy,
  dataResourcesProtected,
  workflowNoLiteralCredentials,
  workflowActionsPinned,
]);
