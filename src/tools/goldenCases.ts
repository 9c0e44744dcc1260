/** The fleets and settings whose generated workflows are kept as golden files. */
import * as path from "node:path";
import { loadTenantsFile } from "../../tenants/load";
import { renderWorkflows, type RenderedWorkflow, type WorkflowSettings } from "../plan/workflows/render";
import { renderDevWorkflows } from "../plan/workflows/dev";
import { readStackConfig } from "../core/config/stackFiles";
import { parseStackSettings, projectSettings } from "../core/config/settings";

const ROOT = path.resolve(__dirname, "..", "..");

export interface GoldenCase {
  readonly name: string;
  readonly workflows: RenderedWorkflow[];
}

export function goldenCases(): GoldenCase[] {
  // The prod fleet with its stack's snapshot default (Pulumi.prod.yaml: daily), so the drill's snapshot check is kept too.
  const prodSnapshots = stackSettings("prod").backup.snapshots;
  const prod = loadTenantsFile(path.join(ROOT, "tenants/tenants.yaml"), { snapshots: { default: prodSnapshots } }, "tenants/tenants.yaml").fleet!;
  const dev = loadTenantsFile(path.join(ROOT, "tenants/tenants.dev.yaml"), {}, "tenants/tenants.dev.yaml").fleet!;
  const base: Omit<WorkflowSettings, "scope" | "encryption" | "source"> = { branch: "main", restoreDrillSchedule: "41 4 * * 1" };
  return [
    {
      name: "prod-repository-kms",
      workflows: renderWorkflows(prod.tenants, {
        ...base,
        scope: "repository",
        encryption: "kms",
        source: prod.file,
        migrations: { command: "npm run migrate", setupCommand: "npm ci", paths: ["migrations/**"] },
      }),
    },
    // With a stack-created catalog, whose writer string lives in its own environment.
    {
      name: "dev-environment-s3",
      workflows: renderWorkflows(dev.tenants, {
        ...base,
        scope: "environment",
        encryption: "s3",
        source: dev.file,
        catalog: { environment: "tenant_fleet_catalog" },
      }),
    },
    { name: "dev-test-project", workflows: renderDevWorkflows(stackSettings("dev").devProject, "main") },
  ];
}

/** A sample stack's settings as its Pulumi.<stack>.yaml gives them. */
function stackSettings(stack: "dev" | "prod") {
  const cfg = readStackConfig(ROOT, stack).config;
  const raw = projectSettings(cfg);
  return parseStackSettings(raw, { stack, file: `Pulumi.${stack}.yaml` }).settings!;
}
