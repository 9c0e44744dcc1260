import { describe, expect, it } from "vitest";
import { parseStackSettings } from "../src/core/config/settings";
import { formatProblem } from "../src/core/diagnostics/problems";

const STACK_FILE = `config:
  tenant-fleet:secretScope: repo
  tenant-fleet:githubOwner: example-saas
  tenant-fleet:protekt: true
`;
const source = { stack: "prod", file: "Pulumi.prod.yaml", text: STACK_FILE };
const DEPLOY = "arn:aws:iam::123456789012:role/tenant-fleet-deploy";
const minimal = { githubOwner: "example-saas", githubRepository: "app", keyAdministrators: JSON.stringify([DEPLOY]) };

function lines(raw: Record<string, string>) {
  return parseStackSettings(raw, source).problems.map(formatProblem);
}

describe("stack settings", () => {
  it("applies the code defaults", () => {
    const { settings } = parseStackSettings(minimal, source);
    expect(settings).toEqual({
      stack: "prod",
      tenantsFile: "tenants/tenants.yaml",
      secretScope: "repository",
      protect: true,
      neonOrgId: undefined,
      github: { owner: "example-saas", repository: "app", branch: "main", ownerId: undefined, repositoryId: undefined },
      allowedResidencies: ["AU", "BR", "DE", "EU", "GB", "SG", "US"],
      applicationRoleArns: [],
      oidcProviderArn: undefined,
      shard: undefined,
      neonLimits: { projects: undefined, historyRetentionHours: undefined },
      usage: { pricePlan: undefined, prices: {} },
      devProject: undefined,
      workflows: {
        migrationsCommand: undefined,
        migrationsPaths: ["migrations/**"],
        migrationWaves: ["canary", "early", "general"],
        migrationFailureBudget: "0",
        migrationVersionQuery: undefined,
        migrationsTargetCommand: undefined,
        restoreDrillSchedule: "41 4 * * 1",
        repositorySecretHeadroom: 10,
        batchSize: 50,
        batchParallelism: 8,
        alertLabel: "tenant-fleet-alert",
        alertAssignees: [],
        runnerLabels: {},
      },
      signups: { perHour: 20, perDay: 200 },
      backup: {
        encryption: "kms",
        maxSkipDays: 7,
        objectLock: "off",
        keyAdministrators: [DEPLOY],
        breakGlassPrincipal: undefined,
        keep: { regions: [], retentionDays: [] },
        trustPolicyLengthLimit: 2048,
        exports: { linkHours: 24, retentionDays: 7 },
        moveGraceDays: 7,
        snapshots: "off",
      },
    });
  });

  it("wants named key administrators for KMS vaults, and none for SSE-S3", () => {
    const { keyAdministrators: _, ...without } = minimal;
    expect(lines(without)).toEqual([
      `Pulumi.prod.yaml:2:3: tenant-fleet:keyAdministrators: missing; the vault keys need named administrators (backupEncryption kms): list the IAM roles that run pulumi up for this stack, e.g. pulumi config set --path 'tenant-fleet:keyAdministrators[0]' arn:aws:iam::123456789012:role/tenant-fleet-deploy --stack prod`,
    ]);
    expect(lines({ ...without, backupEncryption: "s3" })).toEqual([]);
  });

  it("wants a region for the fleet catalog the stack creates, said at the catalog key, and an active Neon region", () => {
    const text = "config:\n  tenant-fleet:githubOwner: example-saas\n  tenant-fleet:catalog: true\n";
    const { problems } = parseStackSettings({ ...minimal, catalog: "true" }, { ...source, text });
    expect(problems.map(formatProblem)).toEqual([
      "Pulumi.prod.yaml:3:25: tenant-fleet:catalog: is true, but tenant-fleet:catalogRegion is unset: the fleet catalog's project holds every tenant's id, name and history, so name a Neon region your auditors accept: pulumi config set tenant-fleet:catalogRegion aws-eu-central-1 --stack prod",
    ]);
    expect(lines({ ...minimal, catalog: "true", catalogRegion: "aws-mars-1" })[0]).toMatch(
      /tenant-fleet:catalogRegion: "aws-mars-1" is not an active Neon region; use one of aws-/,
    );
    expect(parseStackSettings({ ...minimal, catalog: "true", catalogRegion: "aws-eu-central-1" }, source).settings!.catalog).toEqual({
      region: "aws-eu-central-1",
    });
    expect(parseStackSettings({ ...minimal, catalogRegion: "aws-eu-central-1" }, source).settings!.catalog).toBeUndefined();
  });

  it("keeps every AWS principal of a stack in one account", () => {
    expect(lines({ ...minimal, breakGlassPrincipal: "arn:aws:iam::999999999999:role/break-glass" })).toEqual([
      `Pulumi.prod.yaml:2:3: tenant-fleet:breakGlassPrincipal: names AWS account 999999999999 while tenant-fleet:keyAdministrators names 123456789012; the vaults, roles and keys of a stack live in one account: use its principals`,
    ]);
  });

  it("refuses a break-glass principal that is one of the key administrators (the deploy role), at its line", () => {
    const text = `config:\n  tenant-fleet:keyAdministrators:\n    - ${DEPLOY}\n  tenant-fleet:breakGlassPrincipal: ${DEPLOY}\n`;
    const { problems } = parseStackSettings({ ...minimal, breakGlassPrincipal: DEPLOY }, { ...source, text });
    expect(problems.map(formatProblem)).toEqual([
      `Pulumi.prod.yaml:4:37: tenant-fleet:breakGlassPrincipal: ${DEPLOY} is also one of tenant-fleet:keyAdministrators (the identities that run pulumi up): the deploy role would then be the one principal that may delete every backup and rewrite the vaults' policies; name a separate break-glass role, held outside CI`,
    ]);
    expect(lines({ ...minimal, breakGlassPrincipal: "arn:aws:iam::123456789012:role/tenant-fleet-break-glass" })).toEqual([]);
    const app = "arn:aws:iam::123456789012:role/app";
    expect(lines({ ...minimal, secretScope: "region", applicationRoleArns: JSON.stringify([app]), breakGlassPrincipal: app })).toEqual([
      `Pulumi.prod.yaml:2:3: tenant-fleet:breakGlassPrincipal: ${app} is also one of tenant-fleet:applicationRoleArns: the application would then be the one principal that may delete every backup; name a separate break-glass role, held outside CI`,
    ]);
  });

  it("reads the kept vaults and retention classes, sorted and without repeats", () => {
    const { settings } = parseStackSettings(
      { ...minimal, keepVaultRegions: '["eu-west-2","eu-central-1","eu-west-2"]', keepRetentionDays: "[90, 14, 90]" },
      source,
    );
    expect(settings!.backup.keep).toEqual({ regions: ["eu-central-1", "eu-west-2"], retentionDays: [14, 90] });
  });

  it("reads booleans and lists the way Pulumi hands them over", () => {
    const { settings } = parseStackSettings({ ...minimal, protect: "false", allowedResidencies: '["EU","GB"]', secretScope: "environment" }, source);
    expect(settings).toMatchObject({ protect: false, allowedResidencies: ["EU", "GB"], secretScope: "environment" });
  });

  it("names the stack file, the line and the key of every bad setting", () => {
    expect(lines({ ...minimal, secretScope: "repo", protekt: "true" })).toEqual([
      `Pulumi.prod.yaml:2:29: tenant-fleet:secretScope: "repo" is not a secret scope; use repository, environment or region`,
      `Pulumi.prod.yaml:4:3: tenant-fleet:protekt: unknown setting; did you mean tenant-fleet:protect?`,
    ]);
  });

  it("says how to set a missing required setting", () => {
    expect(lines({ githubOwner: "example-saas", keyAdministrators: minimal.keyAdministrators })).toEqual([
      `Pulumi.prod.yaml:2:3: tenant-fleet:githubRepository: missing; set the name of the application repository that receives secrets and workflows: pulumi config set tenant-fleet:githubRepository <value> --stack prod`,
    ]);
  });

  it.each([
    ["protect", "yes", `"yes" is not true or false`],
    ["neonOrgId", "my-org", `"my-org" is not valid; a Neon organisation id looks like org-cool-breeze-12345678 (Neon console, Organization settings)`],
    ["githubOwner", "bad owner", `"bad owner" is not valid; a GitHub owner is the user or organisation name, letters, digits and hyphens`],
    ["allowedResidencies", '["EU","Europe"]', `"Europe" is not EU or an ISO 3166-1 alpha-2 country code; Neon regions serve AU, BR, DE, EU, GB, SG, US`],
    ["allowedResidencies", "[]", `the list is empty; list the residencies this stack may serve, e.g. ["EU", "GB"]`],
    [
      "migrationsCommand",
      "npm run migrate -- ${{ github.event.inputs.x }}",
      "a migrations command is one line (no line break of any kind, U+2028 and U+0085 included) and contains no ${{ }} expression; put longer logic in a script in the repository",
    ],
    [
      "restoreDrillSchedule",
      "weekly",
      `"weekly" is not a schedule GitHub runs: it has 1 field; GitHub takes five: minute hour day-of-month month day-of-week; e.g. "17 3 * * *" (03:17 UTC daily)`,
    ],
    ["repositorySecretHeadroom", "-3", `-3 is below 0; keep 0 to 99 repository secrets free`],
    ["repositorySecretHeadroom", "ten", `"ten" is not a whole number; keep 0 to 99 repository secrets free`],
    ["backupEncryption", "sse", `"sse" is not a backup encryption; use kms (a customer-managed key per vault) or s3 (SSE-S3)`],
    ["backupObjectLock", "on", `"on" is not an Object Lock mode; use off, governance or compliance`],
    [
      "keyAdministrators",
      '["arn:aws:iam::123456789012:role/*"]',
      `"arn:aws:iam::123456789012:role/*" is not valid; an IAM role or user ARN such as arn:aws:iam::123456789012:role/tenant-fleet-deploy (no wildcard)`,
    ],
    [
      "breakGlassPrincipal",
      "arn:aws:iam::123456789012:root",
      `"arn:aws:iam::123456789012:root" is not valid; an IAM role or user ARN such as arn:aws:iam::123456789012:role/tenant-fleet-deploy (no wildcard)`,
    ],
    [
      "keepVaultRegions",
      '["eu-west-9"]',
      `"eu-west-9" is not an AWS region that holds backup vaults; use one of ap-southeast-1, ap-southeast-2, eu-central-1, eu-west-2, sa-east-1, us-east-1, us-east-2, us-west-2`,
    ],
    ["keepRetentionDays", '["fourteen"]', `"fourteen" is not a whole number of days`],
    ["keepRetentionDays", "[0]", `a retention is 1 to 3650 days`],
    [
      "trustPolicyLengthLimit",
      "9000",
      `9000 is above 8192; IAM allows 2048 characters by default and up to 8192 after a quota increase (Service Quotas, IAM, "Role trust policy length")`,
    ],
    [
      "oidcProviderArn",
      "arn:aws:iam::123:oidc-provider/example.com",
      `"arn:aws:iam::123:oidc-provider/example.com" is not valid; the ARN of an IAM OIDC provider for token.actions.githubusercontent.com, e.g. arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com`,
    ],
  ])("rejects %s = %s", (key, value, message) => {
    const { settings, problems } = parseStackSettings({ ...minimal, [key]: value }, { stack: "prod", file: "Pulumi.prod.yaml" });
    expect(settings).toBeUndefined();
    expect(problems.map((p) => `${p.path}: ${p.message}`)).toEqual([`tenant-fleet:${key}: ${message}`]);
  });

  it("wants both GitHub ids or neither", () => {
    const { problems } = parseStackSettings({ ...minimal, githubOwnerId: "123" }, { stack: "prod", file: "Pulumi.prod.yaml" });
    expect(problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      "tenant-fleet:githubRepositoryId: missing; githubOwnerId and githubRepositoryId go together: set both or neither",
    ]);
  });

  it("reports --config overrides as such", () => {
    const { problems } = parseStackSettings({ ...minimal, secretScope: "x" }, { ...source, overridden: new Set(["secretScope"]) });
    expect(problems.map(formatProblem)).toEqual([`--config:1:1: tenant-fleet:secretScope: "x" is not a secret scope; use repository, environment or region`]);
  });
});
