/**
 * Moving the stack from kislerdm/neon 0.15.0 to 0.18.0 updates every project in place: for
 * every sample tenant (prod and dev stacks) and the dev-test and catalog projects, the state
 * 0.15 wrote for today's inputs, upgraded and refreshed by 0.18 (src/tools/neon/upgrade.ts),
 * already holds the program's 0.18 inputs, and a compute changed since touches no ForceNew
 * attribute (the ForceNew set is the facts file's, src/tools/neon/facts/tfschema-0.18.0.json).
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parseTenants } from "../tenants/load";
import { neonFacts } from "../src/tools/neon/generate";
import { forceNewPaths, planChanges, primaryComputeUpdate, readCompute018, toTerraform, upgradeState, type TfValues } from "../src/tools/neon/upgrade";
import { ROOT, runProgram } from "./program";

const PROJECT = "neon:index/project:Project";
const from = neonFacts("0.15.0").resources.neon_project;
const to = neonFacts("0.18.0").resources.neon_project;

/** The compute the 0.15 program declared for each project (as src/plan/projects/args.ts did at 0.15: `defaultEndpointSettings` from the tenant's compute; dev-test and catalog: 0.25–1 CU, 300 s). */
function computes015(stack: "prod" | "dev"): Map<string, { autoscalingLimitMinCu: number; autoscalingLimitMaxCu: number; suspendTimeoutSeconds: number }> {
  const file = stack === "prod" ? "tenants/tenants.yaml" : "tenants/tenants.dev.yaml";
  const tenants = parseTenants(readFileSync(path.join(ROOT, file), "utf8"), file).fleet!.tenants;
  const out = new Map(
    tenants.map((t) => [
      t.id,
      { autoscalingLimitMinCu: t.compute.minCu, autoscalingLimitMaxCu: t.compute.maxCu, suspendTimeoutSeconds: t.compute.suspendAfterSeconds },
    ]),
  );
  for (const small of ["dev-test", "catalog"]) out.set(small, { autoscalingLimitMinCu: 0.25, autoscalingLimitMaxCu: 1, suspendTimeoutSeconds: 300 });
  return out;
}

/** The state 0.15 wrote after `pulumi up` with those inputs: the configuration, default_endpoint_settings with the compute's id, and Neon's computed attributes. */
function state015(inputs: Record<string, unknown>, endpointId: string): TfValues {
  const config = toTerraform(inputs, from.attributes);
  const settings = (config.default_endpoint_settings as TfValues[])[0];
  return {
    ...config,
    id: "still-water-12345678",
    default_endpoint_settings: [{ ...settings, id: endpointId }],
    default_endpoint_id: endpointId,
    connection_uri: "[secret]",
    database_host: `${endpointId}.c-2.eu-central-1.aws.neon.tech`,
  };
}

describe("kislerdm/neon 0.15.0 → 0.18.0: what the upgrade makes of a 0.15 state", () => {
  it("is a prune, not an upgrader: neon_project stays at SchemaVersion 11 (the facts of both versions, read from source)", () => {
    expect([from.schemaVersion, to.schemaVersion]).toEqual([11, 11]);
    const s = upgradeState({ name: "x", default_endpoint_settings: [{ id: "ep-1" }], branch: [{ name: "main", gone: 1 }] }, from, to, "p");
    expect(s.state).toEqual({ name: "x", branch: [{ name: "main" }] });
    expect(s.removed).toEqual(["branch.gone", "default_endpoint_settings"]);
    expect(() => upgradeState({}, { ...from, schemaVersion: 12 }, to, "p")).toThrow("newer than the provider's 11");
    expect(() => upgradeState({}, { ...from, schemaVersion: 10 }, to, "p")).toThrow("runs the provider's StateUpgraders");
  });

  it("adds nothing that replaces a project: 0.18's ForceNew attributes are 0.15's, none of them new", () => {
    expect(forceNewPaths(to)).toEqual(forceNewPaths(from));
    expect(forceNewPaths(to)).toEqual(["branch", "branch.database_name", "branch.name", "branch.role_name", "org_id", "pg_version", "region_id"]);
    for (const a of ["primary_compute", "autoscaling_limit_min_cu", "autoscaling_limit_max_cu", "suspend_timeout_seconds"])
      expect(to.attributes[a].forceNew, a).toBeUndefined();
  });

  for (const stack of ["prod", "dev"] as const) {
    describe(`every project of the ${stack} stack`, async () => {
      const run = await runProgram(stack, [], { NEON_API_KEY: "napi_offline_test_key" });
      const projects = run.resources.filter((r) => r.type === PROJECT);
      const computes = computes015(stack);

      it("has a 0.15 declaration to upgrade from", () => {
        expect(projects.length).toBeGreaterThan(stack === "prod" ? 5 : 1);
        for (const p of projects) expect(computes.has(p.name), p.name).toBe(true);
      });

      it("declares in 0.18 exactly what the upgraded and refreshed 0.15 state holds: no change at all", () => {
        for (const p of projects) {
          const compute = computes.get(p.name)!;
          const { autoscalingLimitMinCu, autoscalingLimitMaxCu, suspendTimeoutSeconds, primaryCompute, ...common } = p.inputs as Record<string, unknown>;
          expect(primaryCompute, p.name).toBeDefined();
          const today = { ...common, defaultEndpointSettings: compute };
          const endpointId = `ep-${p.name}`;
          const upgraded = upgradeState(state015(today, endpointId), from, to, p.name);
          expect(upgraded.removed, p.name).toEqual(["default_endpoint_settings"]);
          // 0.15 created the project with these defaults (resourceProjectCreate: DefaultEndpointSettings in the create request), so Neon's defaults and its primary compute hold them.
          const neon = {
            defaults: {
              autoscaling_limit_min_cu: compute.autoscalingLimitMinCu,
              autoscaling_limit_max_cu: compute.autoscalingLimitMaxCu,
              suspend_timeout_seconds: compute.suspendTimeoutSeconds,
            },
            endpoint: {
              id: endpointId,
              autoscaling_limit_min_cu: compute.autoscalingLimitMinCu,
              autoscaling_limit_max_cu: compute.autoscalingLimitMaxCu,
              suspend_timeout_seconds: compute.suspendTimeoutSeconds,
            },
          };
          const refreshed = { ...upgraded.state, ...readCompute018(neon) };
          const config = toTerraform(p.inputs as Record<string, unknown>, to.attributes);
          expect(planChanges(config, refreshed, to), p.name).toEqual([]);
          // The 0.18 inputs are what the upgrade makes of today's: the defaults at top level and the same values on the primary compute.
          expect({ ...common, autoscalingLimitMinCu, autoscalingLimitMaxCu, suspendTimeoutSeconds, primaryCompute }).toEqual({
            ...common,
            ...compute,
            primaryCompute: compute,
          });
        }
      });

      it("needs the refresh first: without it the upgraded state has no primary_compute, and 0.18's update would name no endpoint", () => {
        const p = projects[0];
        const compute = computes.get(p.name)!;
        const { autoscalingLimitMinCu, autoscalingLimitMaxCu, suspendTimeoutSeconds, primaryCompute, ...common } = p.inputs as Record<string, unknown>;
        void [autoscalingLimitMinCu, autoscalingLimitMaxCu, suspendTimeoutSeconds, primaryCompute];
        const { state } = upgradeState(state015({ ...common, defaultEndpointSettings: compute }, "ep-first"), from, to, p.name);
        const changes = planChanges(toTerraform(p.inputs as Record<string, unknown>, to.attributes), state, to);
        // Not refreshed: every compute attribute looks new, none replaces, and the update has no endpoint id.
        expect(changes.every((c) => !c.forceNew)).toBe(true);
        expect(changes.map((c) => c.path)).toContain("primary_compute.autoscaling_limit_max_cu");
        expect(primaryComputeUpdate(changes, state)).toEqual({ endpointId: "" });
        // Refreshed: 0.18's read fills primary_compute with the compute's id, and nothing is left to update.
        const endpoint = {
          id: "ep-first",
          autoscaling_limit_min_cu: compute.autoscalingLimitMinCu,
          autoscaling_limit_max_cu: compute.autoscalingLimitMaxCu,
          suspend_timeout_seconds: compute.suspendTimeoutSeconds,
        };
        const refreshed = { ...state, ...readCompute018({ defaults: endpoint, endpoint }) };
        const after = planChanges(toTerraform(p.inputs as Record<string, unknown>, to.attributes), refreshed, to);
        expect(primaryComputeUpdate(after, refreshed)).toBeUndefined();
        expect(primaryComputeUpdate([{ path: "primary_compute.name", state: "", config: "x", forceNew: false }], refreshed)).toEqual({
          endpointId: "ep-first",
        });
      });

      it("updates in place a compute that 0.15 left behind (its update changed only the project's defaults): primary_compute, never a ForceNew attribute", () => {
        const p = projects[0];
        const compute = computes.get(p.name)!;
        const { state } = upgradeState(
          state015(
            {
              ...p.inputs,
              ...{ autoscalingLimitMinCu: undefined, autoscalingLimitMaxCu: undefined, suspendTimeoutSeconds: undefined, primaryCompute: undefined },
              defaultEndpointSettings: compute,
            },
            "ep-old",
          ),
          from,
          to,
          p.name,
        );
        const behind = { id: "ep-old", autoscaling_limit_min_cu: 0.25, autoscaling_limit_max_cu: 0.25, suspend_timeout_seconds: 0 };
        const refreshed = {
          ...state,
          ...readCompute018({
            defaults: {
              autoscaling_limit_min_cu: compute.autoscalingLimitMinCu,
              autoscaling_limit_max_cu: compute.autoscalingLimitMaxCu,
              suspend_timeout_seconds: compute.suspendTimeoutSeconds,
            },
            endpoint: behind,
          }),
        };
        const changes = planChanges(toTerraform(p.inputs as Record<string, unknown>, to.attributes), refreshed, to);
        expect(changes.length).toBeGreaterThan(0);
        expect(changes.every((c) => c.path.startsWith("primary_compute.") && !c.forceNew)).toBe(true);
        // The check is not vacuous: a region change would replace.
        const moved = planChanges(toTerraform({ ...p.inputs, regionId: "aws-sa-east-1" } as Record<string, unknown>, to.attributes), refreshed, to);
        expect(moved.filter((c) => c.forceNew).map((c) => c.path)).toEqual(["region_id"]);
      });
    });
  }
});
