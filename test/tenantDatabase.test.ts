import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { projectArgs } from "../src/plan/projects/args";
import { parseTenants } from "../tenants/load";
import { isWireSecret, SECRET } from "../src/engine/offline";
import { ROOT, runProgram } from "./program";
import { ACME, fleetYaml } from "./helpers";

const PROJECT = "neon:index/project:Project";

describe("projectArgs (pure)", () => {
  const fleet = parseTenants(
    fleetYaml([
      {
        ...ACME,
        historyRetentionHours: "1.5",
        quota: "{ activeTimeHours: 10, writtenDataGiB: 0.5, logicalSizeGiB: 2 }",
        compute: "{ suspendAfterSeconds: -1 }",
      },
    ]),
    "t.yaml",
  ).fleet!;

  it("maps a tenant to the project it declares, converting hours and GiB", () => {
    expect(projectArgs(fleet.tenants[0], "org-a-1")).toEqual({
      name: "ACME Corp",
      regionId: "aws-eu-central-1",
      pgVersion: 17,
      orgId: "org-a-1",
      historyRetentionSeconds: 5400,
      autoscalingLimitMinCu: 0.25,
      autoscalingLimitMaxCu: 2,
      suspendTimeoutSeconds: -1,
      primaryCompute: { autoscalingLimitMinCu: 0.25, autoscalingLimitMaxCu: 2, suspendTimeoutSeconds: -1 },
      quota: { activeTimeSeconds: 36000, writtenDataBytes: 536870912, logicalSizeBytes: 2147483648 },
      branch: { name: "main", databaseName: "app", roleName: "app_owner" },
    });
  });

  it("omits orgId for personal accounts and quota when none is set", () => {
    const plain = parseTenants(fleetYaml([ACME]), "t.yaml").fleet!.tenants[0];
    const args = projectArgs(plain, undefined);
    expect("orgId" in args).toBe(false);
    expect("quota" in args).toBe(false);
    expect(args.historyRetentionSeconds).toBe(86400);
  });
});

describe("TenantDatabase in the prod stack (mock runtime)", async () => {
  const run = await runProgram("prod", [], { NEON_API_KEY: "napi_offline_test_key" });
  const projects = run.resources.filter((r) => r.type === PROJECT);
  const sample = parse(readFileSync(path.join(ROOT, "tenants/tenants.yaml"), "utf8")).tenants as { id: string; status: string }[];

  it("declares exactly one Neon project per tenant, retired tenants included, named by id", () => {
    expect(projects.map((p) => p.name).sort()).toEqual(sample.map((t) => t.id).sort());
    expect(sample.some((t) => t.status === "retired")).toBe(true);
    for (const p of projects) {
      expect(p.parent).toBe(p.name);
      const component = run.resources.find((r) => r.urn === p.parentUrn)!;
      expect(component.type).toBe("tenant-fleet:index:TenantDatabase");
    }
  });

  it("gives each project the declared settings", () => {
    const brightwave = projects.find((p) => p.name === "brightwave")!;
    expect(brightwave.inputs).toEqual({
      name: "Brightwave GmbH",
      regionId: "aws-eu-central-1",
      pgVersion: 17,
      orgId: "org-quiet-river-40213377",
      historyRetentionSeconds: 86400,
      autoscalingLimitMinCu: 0.5,
      autoscalingLimitMaxCu: 4,
      suspendTimeoutSeconds: 300,
      primaryCompute: { autoscalingLimitMinCu: 0.5, autoscalingLimitMaxCu: 4, suspendTimeoutSeconds: 300 },
      branch: { name: "main", databaseName: "app", roleName: "app_owner" },
    });
    expect(projects.find((p) => p.name === "pacific-health")!.inputs.quota).toEqual({ computeTimeSeconds: 720000, logicalSizeBytes: 53687091200 });
  });

  it("protects every project and keeps it in Neon if it ever leaves the program", () => {
    for (const p of projects) expect(p.options).toMatchObject({ protect: true, retainOnDelete: true, deleteBeforeReplace: false });
  });

  it("uses one explicit Neon provider whose API key is a secret on the wire", () => {
    const providers = run.resources.filter((r) => r.type === "pulumi:providers:neon");
    expect(providers).toHaveLength(1);
    expect(isWireSecret(providers[0].wireInputs.apiKey)).toBe(true);
    expect(providers[0].inputs.apiKey).toBe(SECRET);
    for (const p of projects) expect(p.provider).toMatch(/[:$]pulumi:providers:neon::neon::/);
  });

  it("exports each tenant's route (project, regions, direct and pooled host, where its credential lives), and no connection string or key anywhere", () => {
    const routes = run.outputs.databasesByTenant as Record<string, Record<string, unknown>>;
    expect(routes["acme-corp"]).toEqual({
      projectId: "acme-corp-id",
      region: "aws-eu-central-1",
      awsRegion: "eu-central-1",
      host: expect.stringMatching(/^ep-acme-corp-[^.]*\.[a-z0-9.-]*neon\.tech$/),
      poolerHost: expect.stringMatching(/^ep-acme-corp-[^.]*-pooler\.[a-z0-9.-]*neon\.tech$/),
      credential: { scope: "environment", environment: "tenant-acme-corp", secret: "DATABASE_URL" },
    });
    const retired = Object.entries(routes)
      .filter(([, r]) => r.credential === null)
      .map(([id]) => id);
    expect(retired).toEqual(["old-mill"]); // the sample fleet's one retired tenant
    const everything = JSON.stringify({ outputs: run.outputs, inputs: run.resources.map((r) => r.inputs), logs: run.logs });
    expect(everything).not.toMatch(/postgres(ql)?:\/\//);
    expect(everything).not.toContain("fake-password");
    expect(everything).not.toContain("napi_offline_test_key");
  });
});

describe("TenantDatabase names and options do not depend on the file", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "tf-order-"));
  const doc = parse(readFileSync(path.join(ROOT, "tenants/tenants.yaml"), "utf8"));
  doc.tenants.reverse();
  const reversed = path.join(dir, "reversed.yaml");
  writeFileSync(reversed, stringify(doc));
  const a = await runProgram("prod");
  const b = await runProgram("prod", [`tenantsFile=${reversed}`]);
  const dev = await runProgram("dev");

  it("declares the same projects with the same inputs when the list order changes", () => {
    // The generated files name their source file; everything else must be identical.
    const key = (r: { type: string; name: string; inputs: unknown }) => JSON.stringify([r.type, r.name, r.inputs]).split(reversed).join("tenants/tenants.yaml");
    expect(b.resources.map(key).sort()).toEqual(a.resources.map(key).sort());
  });

  it("leaves protection off only where the stack says so (dev)", () => {
    const components = new Set(dev.resources.filter((r) => r.type === "tenant-fleet:index:TenantDatabase").map((r) => r.urn));
    const projects = dev.resources.filter((r) => r.type === PROJECT && components.has(r.parentUrn));
    expect(projects.map((p) => p.name).sort()).toEqual(["dev-eu", "dev-us"]);
    for (const p of projects) expect(p.options).toMatchObject({ protect: false, retainOnDelete: false });
  });
});
