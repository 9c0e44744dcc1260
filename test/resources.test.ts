/** The resource-level diff (src/review/resources.ts) and how the tenant diff accounts for its findings. */
import { describe, expect, it } from "vitest";
import { diffResources, widenedGrants } from "../src/review/resources";
import type { PlannedResource } from "../src/review/findings";
import { diffFleets } from "../src/review/diff";
import { replaceForcing } from "../src/engine/review";
import { parseTenants } from "../tenants/load";
import { ACME, fleetYaml } from "./helpers";

const res = (
  type: string,
  name: string,
  inputs: Record<string, unknown> = {},
  options: Partial<PlannedResource["options"]> = {},
  parent = "stack",
): PlannedResource => ({
  type,
  name,
  parent,
  inputs,
  options: { protect: false, retainOnDelete: false, ...options },
});
const PROJECT = "neon:index/project:Project";
const component = (name: string) => res("tenant-fleet:index:TenantDatabase", name);
const project = (name: string, inputs: Record<string, unknown>, options: Partial<PlannedResource["options"]> = { protect: true, retainOnDelete: true }) =>
  res(PROJECT, name, inputs, options, name);
const ctx = { replaceForcing: replaceForcing(), tenantIds: ["acme", "acme-eu"] };
const policy = (...Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });

describe("diffResources", () => {
  it("finds a project the provider replaces (a ForceNew input from Neon's schema), and whose it is", () => {
    const base = [component("acme"), project("acme", { regionId: "aws-eu-central-1", branch: { databaseName: "app" } })];
    const head = [component("acme"), project("acme", { regionId: "aws-eu-central-1", branch: { databaseName: "appdb" } })];
    const f = diffResources(base, head, ctx);
    expect(f).toEqual([expect.objectContaining({ type: PROJECT, name: "acme", tenant: "acme", change: "replaced", class: "destructive" })]);
    expect(f[0].detail).toContain('branch {"databaseName":"app"} → {"databaseName":"appdb"}');
  });

  it("counts an input that the provider updates in place as safe", () => {
    const f = diffResources([project("acme", { historyRetentionSeconds: 86400 })], [project("acme", { historyRetentionSeconds: 3600 })], ctx);
    expect(f.map((x) => [x.change, x.class])).toEqual([["changed", "safe"]]);
  });

  it("classes a deleted data-bearing resource destructive, and a deleted secret safe", () => {
    const base = [project("acme", {}), res("github:index/actionsSecret:ActionsSecret", "acme-database-url", { repository: "app", plaintextValue: "[secret]" })];
    const f = diffResources(base, [], ctx);
    expect(f.map((x) => [x.name, x.change, x.class])).toEqual([
      ["acme", "deleted", "destructive"],
      ["acme-database-url", "deleted", "safe"],
    ]);
  });

  it("finds protection or retain-on-delete turned off", () => {
    const f = diffResources([project("acme", {})], [project("acme", {}, { protect: false, retainOnDelete: true })], ctx);
    expect(f).toEqual([expect.objectContaining({ change: "unprotected", class: "destructive", detail: "protect turned off: a later change could delete it" })]);
  });

  it("finds a secret sent to another repository or environment, and a new secret in a repository that held none", () => {
    const secret = (repository: string, environment = "tenant-acme") =>
      res("github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret", "tenant-acme-database-url", {
        repository,
        environment,
        plaintextValue: "[secret]",
      });
    expect(diffResources([secret("app")], [secret("attacker-app")], ctx)).toEqual([
      expect.objectContaining({
        change: "secret-moved",
        class: "destructive",
        tenant: "acme",
        detail: 'its secret goes elsewhere: repository "app" → "attacker-app"',
      }),
      expect.objectContaining({ change: "changed", class: "safe" }),
    ]);
    expect(diffResources([secret("app")], [secret("app", "tenant-acme-2")], ctx)[0]).toMatchObject({ change: "secret-moved", class: "destructive" });
    const second = { ...secret("elsewhere"), name: "tenant-acme-eu-database-url" };
    expect(diffResources([secret("app")], [secret("app"), second], ctx)).toEqual([
      expect.objectContaining({ name: "tenant-acme-eu-database-url", tenant: "acme-eu", change: "secret-moved", class: "destructive" }),
      expect.objectContaining({ change: "created", class: "safe" }),
    ]);
  });

  it("shows an IAM document that allows more for review, and one that allows less not at all", () => {
    const role = (doc: string) => res("aws:iam/rolePolicy:RolePolicy", "writer-permissions", { policy: doc });
    const narrow = policy({ Effect: "Allow", Action: "s3:PutObject", Resource: "arn:aws:s3:::vault/retain-30d/acme/*" });
    const wide = policy({ Effect: "Allow", Action: ["s3:PutObject", "s3:AbortMultipartUpload"], Resource: "arn:aws:s3:::vault/retain-30d/acme/*" });
    const wider = policy({ Effect: "Allow", Action: "s3:PutObject", Resource: "arn:aws:s3:::vault/*" });
    expect(diffResources([role(narrow)], [role(wide)], ctx).filter((f) => f.class === "review")).toEqual([
      expect.objectContaining({ change: "iam-widened", detail: "policy allows more: Allow s3:AbortMultipartUpload on arn:aws:s3:::vault/retain-30d/acme/*" }),
    ]);
    // Deleting backups is privileged: the same widening with s3:DeleteObject fails (test/diffResources.test.ts has the rest).
    const deleting = policy({ Effect: "Allow", Action: ["s3:PutObject", "s3:DeleteObject"], Resource: "arn:aws:s3:::vault/retain-30d/acme/*" });
    expect(
      diffResources([role(narrow)], [role(deleting)], ctx)
        .filter((f) => f.change === "iam-widened")
        .map((f) => f.class),
    ).toEqual(["destructive"]);
    expect(diffResources([role(narrow)], [role(wider)], ctx).some((f) => f.change === "iam-widened")).toBe(true);
    expect(diffResources([role(wider)], [role(narrow)], ctx).some((f) => f.change === "iam-widened")).toBe(false);
    expect(diffResources([role(wide)], [role(narrow)], ctx).some((f) => f.change === "iam-widened")).toBe(false);
  });

  it("reads a new principal, a lifted Deny and a loosened condition as widening", () => {
    const trust = (principal: string, condition: object) =>
      policy({ Effect: "Allow", Principal: { Federated: principal }, Action: "sts:AssumeRoleWithWebIdentity", Condition: condition });
    const main = { StringEquals: { "token.actions.githubusercontent.com:sub": "repo:o/app:ref:refs/heads/main" } };
    const any = { StringLike: { "token.actions.githubusercontent.com:sub": "repo:o/app:*" } };
    expect(widenedGrants(trust("oidc", main), trust("oidc", any))).toHaveLength(1);
    expect(widenedGrants(trust("oidc", main), trust("oidc", main))).toEqual([]);
    expect(widenedGrants(trust("oidc", main), policy(JSON.parse(trust("oidc", main)).Statement[0], JSON.parse(trust("other", main)).Statement[0]))).toEqual([
      'Allow Federated:other sts:AssumeRoleWithWebIdentity on * if {"StringEquals":{"token.actions.githubusercontent.com:sub":"repo:o/app:ref:refs/heads/main"}}',
    ]);
    const deny = { Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "arn:aws:s3:::vault/*", Condition: { Bool: { "aws:SecureTransport": "false" } } };
    expect(widenedGrants(policy(deny), policy())).toEqual(['no longer: Deny * s3:* on arn:aws:s3:::vault/* if {"Bool":{"aws:SecureTransport":"false"}}']);
  });

  it("attributes a vault's resources to its region through the component, even where a bucket shares its name", () => {
    const vault = res("tenant-fleet:index:BackupVault", "backups-eu-west-2");
    const bucket = res("aws:s3/bucket:Bucket", "backups-eu-west-2", { bucket: "b" }, { protect: true, retainOnDelete: true }, "backups-eu-west-2");
    const key = res("aws:kms/key:Key", "backups-eu-west-2-key", {}, { protect: true, retainOnDelete: true }, "backups-eu-west-2");
    const f = diffResources([vault, bucket, key], [], ctx);
    expect(f.filter((x) => x.class === "destructive").map((x) => [x.name, x.vault])).toEqual([
      ["backups-eu-west-2-key", "eu-west-2"],
      ["backups-eu-west-2", "eu-west-2"],
    ]);
  });
});

describe("the tenant diff with the programs' findings", () => {
  const fleet = (region: string) => parseTenants(fleetYaml([{ ...ACME, id: "acme", region, residency: region === "aws-eu-west-2" ? "GB" : "EU" }]), "t").fleet!;
  const side = (region: string) => ({ fleet: fleet(region), stack: { protect: true } });
  const replaced = diffResources([project("acme", { regionId: "aws-eu-central-1" })], [project("acme", { regionId: "aws-eu-west-2" })], ctx);

  it("accounts for a replacement the tenants file explains (the tenant's region changed)", () => {
    const d = diffFleets(side("aws-eu-central-1"), side("aws-eu-west-2"), replaced);
    expect(d.resources).toEqual([expect.objectContaining({ change: "replaced", explainedBy: "acme: region" })]);
    // The tenant's region change, its residency leaving the EU for GB and its old region's vault fail; nothing is left to the code.
    expect(d.stack.map((c) => c.kind)).toEqual(["vault"]);
    expect(d.tenants[0].changes.filter((c) => c.class === "destructive").map((c) => c.kind)).toEqual(["region", "residency"]);
    expect(d.summary.unacknowledged).toBe(3);
  });

  it("fails a replacement nothing in the files explains, as a change of the code, until acknowledged", () => {
    const d = diffFleets(side("aws-eu-central-1"), side("aws-eu-central-1"), replaced);
    expect(d.stack).toEqual([expect.objectContaining({ field: "resource neon:index/project:Project acme", kind: "code", class: "destructive" })]);
    expect(d.summary.unacknowledged).toBe(1);
    const acked = parseTenants(
      `${fleetYaml([{ ...ACME, id: "acme" }])}acknowledgements:\n  - change: code\n    reason: "OPS-9: projects recreated on purpose"\n`,
      "t",
    ).fleet!;
    const ok = diffFleets(side("aws-eu-central-1"), { fleet: acked, stack: { protect: true } }, replaced);
    expect(ok.summary.unacknowledged).toBe(0);
    expect(ok.stack[0].acknowledgement?.reason).toBe("OPS-9: projects recreated on purpose");
  });
});
