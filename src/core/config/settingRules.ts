/**
 * The stack settings' cross-field rules: checks no single setting's schema can make (a list's
 * members, a command and its setup step, custody, one AWS account, settings that go
 * together). Each rule reads the parsed values and reports problems at the key to fix.
 * (settings.ts runs them after every setting parsed; checks that need the fleet or the
 * planners are in src/plan/inputs.ts.)
 */
import { ACTIVE_REGION_IDS, ALL_REGION_IDS, KNOWN_JURISDICTIONS, isResidency } from "../../../tenants/regions";
import type { Problem } from "../diagnostics/problems";
import { installSteps } from "./commands";
import { NAMESPACE, shorten } from "./settingSchemas";

/** What a rule sees: the parsed values by key, the raw ones, the stack, and how to report at a key. */
export interface RuleInput {
  readonly values: Readonly<Record<string, unknown>>;
  readonly raw: Readonly<Record<string, string | undefined>>;
  readonly stack: string;
  readonly at: (key: string, message: string, atKey?: boolean) => Problem;
}

/** allowedResidencies, shardResidencies and shardRegions name residencies and regions that exist. */
function residencyProblems({ values, at }: RuleInput): Problem[] {
  const problems: Problem[] = [];
  const residencies = values.allowedResidencies as string[] | undefined;
  if (Array.isArray(residencies)) {
    const bad = residencies.filter((r) => !isResidency(r));
    if (bad.length)
      problems.push(
        at(
          "allowedResidencies",
          `${bad.map((b) => JSON.stringify(b)).join(", ")} ${bad.length === 1 ? "is" : "are"} not EU or an ISO 3166-1 alpha-2 country code; Neon regions serve ${KNOWN_JURISDICTIONS.join(", ")}`,
        ),
      );
    else if (residencies.length === 0)
      problems.push(at("allowedResidencies", `the list is empty; list the residencies this stack may serve, e.g. ["EU", "GB"]`));
  }
  for (const r of (values.shardResidencies as string[] | undefined) ?? []) {
    if (!isResidency(r)) problems.push(at("shardResidencies", `${JSON.stringify(r)} is not EU or an ISO 3166-1 alpha-2 country code`));
  }
  for (const r of (values.shardRegions as string[] | undefined) ?? []) {
    if (!(ALL_REGION_IDS as readonly string[]).includes(r))
      problems.push(at("shardRegions", `${JSON.stringify(r)} is not a Neon region; use one of ${ACTIVE_REGION_IDS.join(", ")}`));
  }
  return problems;
}

/** A command that holds DATABASE_URL installs nothing: that belongs in its setup step, which holds no secret. */
function commandProblems({ values, at }: RuleInput): Problem[] {
  const problems: Problem[] = [];
  for (const [key, setup] of [
    ["migrationsCommand", "migrationsSetupCommand"],
    ["devSeedCommand", "devSetupCommand"],
    ["devPreviewCommand", "devSetupCommand"],
  ] as const) {
    const command = values[key] as string | undefined;
    const installs = command ? installSteps(command) : [];
    if (installs.length) {
      problems.push(
        at(
          key,
          `${JSON.stringify(shorten(command!))} installs or downloads code (${installs.join(", ")}) in the step that holds DATABASE_URL; move that to ${NAMESPACE}:${setup}, which runs before it without any secret`,
        ),
      );
    }
  }
  return problems;
}

/** Whether keyAdministrators was given a non-empty value (unset and `[]` are not). */
export function keyAdministratorsGiven(raw: RuleInput["raw"]): boolean {
  return (raw.keyAdministrators ?? "").replace(/\s+/g, "") !== "" && raw.keyAdministrators?.replace(/\s+/g, "") !== "[]";
}

/** Keys need named administrators, and break-glass is neither one of them nor an application role (custody is split on purpose). */
function custodyProblems({ values, raw, stack, at }: RuleInput): Problem[] {
  const problems: Problem[] = [];
  const admins = (values.keyAdministrators as string[] | undefined) ?? [];
  if ((values.backupEncryption === "kms" || values.secretScope === "region") && !keyAdministratorsGiven(raw)) {
    problems.push(
      at(
        "keyAdministrators",
        `missing; the ${values.backupEncryption === "kms" ? "vault keys" : "credentials keys"} need named administrators (${values.backupEncryption === "kms" ? "backupEncryption kms" : "secretScope region"}): list the IAM roles that run pulumi up for this stack, e.g. pulumi config set --path '${NAMESPACE}:keyAdministrators[0]' arn:aws:iam::123456789012:role/tenant-fleet-deploy --stack ${stack}`,
      ),
    );
  }
  const breakGlass = values.breakGlassPrincipal as string | undefined;
  if (breakGlass !== undefined && admins.includes(breakGlass)) {
    // Custody is split on purpose: the deploy identities run pulumi up, break-glass alone may destroy (docs/deploying.md, vault custody).
    problems.push(
      at(
        "breakGlassPrincipal",
        `${breakGlass} is also one of ${NAMESPACE}:keyAdministrators (the identities that run pulumi up): the deploy role would then be the one principal that may delete every backup and rewrite the vaults' policies; name a separate break-glass role, held outside CI`,
      ),
    );
  } else if (breakGlass !== undefined && ((values.applicationRoleArns as string[] | undefined) ?? []).includes(breakGlass)) {
    problems.push(
      at(
        "breakGlassPrincipal",
        `${breakGlass} is also one of ${NAMESPACE}:applicationRoleArns: the application would then be the one principal that may delete every backup; name a separate break-glass role, held outside CI`,
      ),
    );
  }
  return problems;
}

/** Application roles only in the region scope; every principal of the stack in one AWS account. */
function accountProblems({ values, at }: RuleInput): Problem[] {
  const problems: Problem[] = [];
  const accounts = new Map<string, string>();
  if (values.secretScope !== "region" && ((values.applicationRoleArns as string[] | undefined) ?? []).length) {
    problems.push(
      at(
        "applicationRoleArns",
        `is set while secretScope is ${values.secretScope}; only the region scope keeps credentials in AWS for the application to read: set secretScope region, or remove applicationRoleArns`,
      ),
    );
  }
  for (const key of ["keyAdministrators", "breakGlassPrincipal", "oidcProviderArn", "applicationRoleArns"]) {
    for (const arn of [values[key]].flat().filter((v): v is string => typeof v === "string")) accounts.set(arn.split(":")[4], key);
  }
  if (accounts.size > 1) {
    const [first, second] = [...accounts.entries()];
    problems.push(
      at(
        second[1],
        `names AWS account ${second[0]} while ${NAMESPACE}:${first[1]} names ${first[0]}; the vaults, roles and keys of a stack live in one account: use its principals`,
      ),
    );
  }
  return problems;
}

/** Settings that go together: the catalog and its region, the GitHub owner and repository ids. */
function pairProblems({ values, stack, at }: RuleInput): Problem[] {
  const problems: Problem[] = [];
  if (values.catalog === true && values.catalogRegion === undefined) {
    // At the catalog key, which is where the user said it (catalogRegion is not in the file).
    problems.push(
      at(
        "catalog",
        `is true, but ${NAMESPACE}:catalogRegion is unset: the fleet catalog's project holds every tenant's id, name and history, so name a Neon region your auditors accept: pulumi config set ${NAMESPACE}:catalogRegion aws-eu-central-1 --stack ${stack}`,
      ),
    );
  }
  if ((values.githubOwnerId === undefined) !== (values.githubRepositoryId === undefined)) {
    const missing = values.githubOwnerId === undefined ? "githubOwnerId" : "githubRepositoryId";
    problems.push(at(missing, `missing; githubOwnerId and githubRepositoryId go together: set both or neither`));
  }
  return problems;
}

/** Every cross-field rule, in the order their problems were always reported. */
const RULES: readonly ((input: RuleInput) => Problem[])[] = [residencyProblems, commandProblems, custodyProblems, accountProblems, pairProblems];

/** The problems of the parsed settings taken together. */
export function crossFieldProblems(input: RuleInput): Problem[] {
  return RULES.flatMap((rule) => rule(input));
}
