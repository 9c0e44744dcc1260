/**
 * Where tenants' data is processed (runnerLabels): the setting's parsing and its errors,
 * the plan's warning for a residency left on GitHub-hosted runners, and the regions report.
 */
import { describe, expect, it } from "vitest";
import { parseStackSettings } from "../src/core/config/settings";
import { formatProblem } from "../src/core/diagnostics/problems";
import { loadWorkingTree } from "../src/engine/workingTree";
import { readStackConfig } from "../src/core/config/stackFiles";
import { regionsReport, GITHUB_HOSTED } from "../src/plan/regions";
import { regionsMarkdown } from "../src/review/regionsFormat";
import { ROOT } from "./program";

const minimal = {
  neonOrgId: "org-quiet-river-40213377",
  githubOwner: "example-saas",
  githubRepository: "app",
  keyAdministrators: '["arn:aws:iam::123456789012:role/deploy"]',
};
const source = { stack: "prod", file: "Pulumi.prod.yaml" };

describe("runnerLabels", () => {
  it("maps residencies to runner labels", () => {
    const { settings } = parseStackSettings({ ...minimal, runnerLabels: '["EU=self-hosted,linux,eu-central-1", "US=ubuntu-24.04-4core"]' }, source);
    expect(settings!.workflows.runnerLabels).toEqual({ EU: ["self-hosted", "linux", "eu-central-1"], US: ["ubuntu-24.04-4core"] });
    expect(parseStackSettings(minimal, source).settings!.workflows.runnerLabels).toEqual({});
  });

  it("says what is wrong with a mapping, and how to write it", () => {
    const errors = (value: string) => parseStackSettings({ ...minimal, runnerLabels: value }, source).problems.map(formatProblem);
    expect(errors('["eu=self-hosted"]')[0]).toMatch(/runnerLabels.*RESIDENCY=LABEL\[,LABEL\.\.\.\], e\.g\. EU=self-hosted,linux,eu-central-1/);
    expect(errors('["EU=self hosted"]')[0]).toMatch(/RESIDENCY=LABEL/);
    expect(errors('["EU=a", "EU=b"]')[0]).toMatch(/a residency is mapped twice/);
  });

  it("warns, at the setting, of active tenants whose residency has no runner once the stack maps some", () => {
    const { problems } = loadWorkingTree(readStackConfig(ROOT, "prod", ['runnerLabels=["EU=self-hosted,eu"]']));
    const warning = problems.filter((p) => p.path === "tenant-fleet:runnerLabels").map(formatProblem);
    expect(warning).toHaveLength(1);
    expect(warning[0]).toContain(
      "maps no runner for DE, GB, US: the backups, drills, migrations, restores and exports of 4 active tenant(s) (brightwave, thames-logistics, northwind, pacific-health) run on GitHub-hosted runners, outside their jurisdiction; add DE=LABELS, GB=LABELS, US=LABELS to tenant-fleet:runnerLabels",
    );
    expect(loadWorkingTree(readStackConfig(ROOT, "prod")).problems.filter((p) => p.path === "tenant-fleet:runnerLabels")).toEqual([]);
  });

  it("shows in the regions report where each tenant's jobs run", () => {
    const { fleet } = loadWorkingTree(readStackConfig(ROOT, "prod"));
    const report = regionsReport(fleet!, { EU: ["self-hosted", "eu"] });
    expect(report.rows.find((r) => r.id === "acme-corp")).toMatchObject({ processedOn: "self-hosted, eu", processedInResidency: true });
    expect(report.rows.find((r) => r.id === "northwind")).toMatchObject({ processedOn: GITHUB_HOSTED, processedInResidency: false });
    expect(report.check.processedOutside).toEqual(["brightwave", "thames-logistics", "northwind", "pacific-health"]);
    expect(report.check.held).toBe(true);
    const md = regionsMarkdown(report, { stack: "prod", file: "tenants/tenants.yaml" });
    expect(md).toContain("the jobs that hold the data of 4 active tenant(s) run on GitHub-hosted runners");
    expect(md).toContain("| jobs run on | jobs in residency |");
  });
});
