import { describe, expect, it } from "vitest";
import { parseStackSettings } from "../config/settings";
import { formatProblem } from "../tenants/problems";

const STACK_FILE = `config:
  tenant-fleet:secretScope: repo
  tenant-fleet:githubOwner: example-saas
  tenant-fleet:protekt: true
`;
const source = { stack: "prod", file: "Pulumi.prod.yaml", text: STACK_FILE };
const minimal = { githubOwner: "example-saas", githubRepository: "app" };

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
      oidcProviderArn: undefined,
      shard: undefined,
      neonLimits: { projects: undefined, historyRetentionHours: undefined },
      devProject: undefined,
      workflows: { migrationsCommand: undefined, migrationsPaths: ["migrations/**"], restoreDrillSchedule: "41 4 * * 1", repositorySecretHeadroom: 10 },
      backup: { encryption: "kms", objectLock: "off" },
    });
  });

  it("reads booleans and lists the way Pulumi hands them over", () => {
    const { settings } = parseStackSettings({ ...minimal, protect: "false", allowedResidencies: '["EU","GB"]', secretScope: "environment" }, source);
    expect(settings).toMatchObject({ protect: false, allowedResidencies: ["EU", "GB"], secretScope: "environment" });
  });

  it("names the stack file, the line and the key of every bad setting", () => {
    expect(lines({ ...minimal, secretScope: "repo", protekt: "true" })).toEqual([
      `Pulumi.prod.yaml:2:29: tenant-fleet:secretScope: "repo" is not a secret scope; use repository or environment`,
      `Pulumi.prod.yaml:4:3: tenant-fleet:protekt: unknown setting; did you mean tenant-fleet:protect?`,
    ]);
  });

  it("says how to set a missing required setting", () => {
    expect(lines({ githubOwner: "example-saas" })).toEqual([
      `Pulumi.prod.yaml:2:3: tenant-fleet:githubRepository: missing; set the name of the application repository that receives secrets and workflows: pulumi config set tenant-fleet:githubRepository <value> --stack prod`,
    ]);
  });

  it.each([
    ["protect", "yes", `"yes" is not true or false`],
    ["neonOrgId", "my-org", `"my-org" is not valid; a Neon organisation id looks like org-cool-breeze-12345678 (Neon console, Organization settings)`],
    ["githubOwner", "bad owner", `"bad owner" is not valid; a GitHub owner is the user or organisation name, letters, digits and hyphens`],
    ["allowedResidencies", '["EU","Europe"]', `"Europe" is not EU or an ISO 3166-1 alpha-2 country code; Neon regions serve AU, BR, DE, EU, GB, SG, US`],
    ["allowedResidencies", "[]", `the list is empty; list the residencies this stack may serve, e.g. ["EU", "GB"]`],
    ["migrationsCommand", "npm run migrate -- ${{ github.event.inputs.x }}", "a migrations command is one line and contains no ${{ }} expression; put longer logic in a script in the repository"],
    ["restoreDrillSchedule", "weekly", `"weekly" has 1 field; write five: minute hour day-of-month month day-of-week, e.g. "17 3 * * *"`],
    ["repositorySecretHeadroom", "-3", `-3 is below 0; keep 0 to 99 repository secrets free`],
    ["repositorySecretHeadroom", "ten", `"ten" is not a whole number; keep 0 to 99 repository secrets free`],
    ["backupEncryption", "sse", `"sse" is not a backup encryption; use kms (a customer-managed key per vault) or s3 (SSE-S3)`],
    ["backupObjectLock", "on", `"on" is not an Object Lock mode; use off, governance or compliance`],
    ["oidcProviderArn", "arn:aws:iam::123:oidc-provider/example.com", `"arn:aws:iam::123:oidc-provider/example.com" is not valid; the ARN of an IAM OIDC provider for token.actions.githubusercontent.com, e.g. arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com`],
  ])("rejects %s = %s", (key, value, message) => {
    const { settings, problems } = parseStackSettings({ ...minimal, [key]: value }, { stack: "prod", file: "Pulumi.prod.yaml" });
    expect(settings).toBeUndefined();
    expect(problems.map((p) => `${p.path}: ${p.message}`)).toEqual([`tenant-fleet:${key}: ${message}`]);
  });

  it("wants both GitHub ids or neither", () => {
    const { problems } = parseStackSettings({ ...minimal, githubOwnerId: "123" }, { stack: "prod", file: "Pulumi.prod.yaml" });
    expect(problems.map((p) => `${p.path}: ${p.message}`)).toEqual(["tenant-fleet:githubRepositoryId: missing; githubOwnerId and githubRepositoryId go together: set both or neither"]);
  });

  it("reports --config overrides as such", () => {
    const { problems } = parseStackSettings({ ...minimal, secretScope: "x" }, { ...source, overridden: new Set(["secretScope"]) });
    expect(problems.map(formatProblem)).toEqual([`--config:1:1: tenant-fleet:secretScope: "x" is not a secret scope; use repository or environment`]);
  });
});
