import { parse } from "yaml";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { renderSchema, SCHEMA_FILE } from "../src/tools/schema";
import { parseTenants } from "../tenants/load";

const ROOT = path.resolve(__dirname, "..");

describe("Pulumi.yaml's config block", () => {
  it("is the one the stack settings declare (npm run schema rewrites it)", async () => {
    const { renderProjectFile, PROJECT_FILE } = await import("../src/tools/schema");
    const { pulumiConfigBlock, SETTINGS } = await import("../src/core/config/settings");
    const text = readFileSync(PROJECT_FILE, "utf8");
    expect(text).toBe(renderProjectFile(text));
    // Every setting but the secret-only ones is declared, with the code's description and default.
    const declared = (parse(text) as { config: Record<string, { description: string; default?: unknown }> }).config;
    expect(Object.keys(declared)).toEqual(Object.keys(SETTINGS).filter((k) => !SETTINGS[k].secretOnly));
    expect(declared).toEqual(pulumiConfigBlock());
    for (const [key, spec] of Object.entries(SETTINGS)) if (spec.default !== undefined) expect(declared[key].default, key).toEqual(spec.default);
  });
});

describe("the generated Markdown tables", () => {
  it("are the ones the settings and the change kinds declare (npm run schema rewrites them)", async () => {
    const { renderMarkdown, markdownPath, GENERATED_MARKDOWN } = await import("../src/tools/schema");
    for (const file of Object.keys(GENERATED_MARKDOWN)) {
      const text = readFileSync(markdownPath(file), "utf8");
      expect(text, file).toBe(renderMarkdown(file, text));
    }
    const { SETTINGS } = await import("../src/core/config/settings");
    const full = ["docs/settings.md", "docs/dev.md", "docs/migrations.md", "docs/operations.md", "docs/usage.md"]
      .map((f) => readFileSync(markdownPath(f), "utf8"))
      .join("");
    for (const key of Object.keys(SETTINGS)) expect(full).toContain(`| \`${key}\``);
    const { ACKNOWLEDGEABLE_CHANGES } = await import("../tenants/changeKinds");
    const catalogue = readFileSync(markdownPath("docs/tenants-file.md"), "utf8");
    const readme = readFileSync(markdownPath("README.md"), "utf8");
    for (const kind of ACKNOWLEDGEABLE_CHANGES) {
      expect(catalogue).toContain(`| \`${kind}\` |`);
      expect(readme).toContain(`\`${kind}\``);
    }
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
