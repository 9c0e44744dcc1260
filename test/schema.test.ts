import { parse } from "yaml";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { renderSchema, SCHEMA_FILE } from "../scripts/write-schema";
import { parseTenants } from "../tenants/load";

const ROOT = path.resolve(__dirname, "..");

describe("Pulumi.yaml's config block", () => {
  it("is the one the stack settings declare (npm run schema rewrites it)", async () => {
    const { renderProjectFile, PROJECT_FILE } = await import("../scripts/write-schema");
    const { pulumiConfigBlock, SETTINGS } = await import("../config/settings");
    const text = readFileSync(PROJECT_FILE, "utf8");
    expect(text).toBe(renderProjectFile(text));
    // Every setting but the secret-only ones is declared, with the code's description and default.
    const declared = (parse(text) as { config: Record<string, { description: string; default?: unknown }> }).config;
    expect(Object.keys(declared)).toEqual(Object.keys(SETTINGS).filter((k) => !SETTINGS[k].secretOnly));
    expect(declared).toEqual(pulumiConfigBlock());
    for (const [key, spec] of Object.entries(SETTINGS)) if (spec.default !== undefined) expect(declared[key].default, key).toEqual(spec.default);
  });
});

describe("the README's settings tables", () => {
  it("are the ones the stack settings declare (npm run schema rewrites them)", async () => {
    const { renderReadme, README_FILE } = await import("../scripts/write-schema");
    const text = readFileSync(README_FILE, "utf8");
    expect(text).toBe(renderReadme(text));
    const { SETTINGS } = await import("../config/settings");
    for (const key of Object.keys(SETTINGS)) expect(text).toContain(`| \`${key}\``);
  });
});

describe("tenants.schema.json", () => {
  it("is what the zod schema produces (run `npm run schema` after changing tenants/schema.ts)", () => {
    expect(readFileSync(SCHEMA_FILE, "utf8")).toBe(renderSchema());
  });

  it("forbids unknown keys and requires the contract's keys", () => {
    const schema = JSON.parse(renderSchema());
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(["version", "tenants"]);
    const tenant = schema.properties.tenants.items;
    expect(tenant.additionalProperties).toBe(false);
    expect(tenant.required).toEqual(["id", "name", "region", "residency", "status"]);
    expect(tenant.properties.region.enum).toContain("aws-eu-central-1");
  });

  it.each(["tenants/tenants.yaml", "tenants/tenants.dev.yaml"])("%s points editors at the schema and is valid", (file) => {
    const text = readFileSync(path.join(ROOT, file), "utf8");
    expect(text.split("\n")[0]).toBe("# yaml-language-server: $schema=./tenants.schema.json");
    const result = parseTenants(text, file);
    expect(result.problems).toEqual([]);
    expect(result.fleet!.tenants.length).toBeGreaterThan(0);
  });
});
