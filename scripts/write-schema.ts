/**
 * Rewrites what is generated from a single declaration: tenants/tenants.schema.json from
 * the zod schema, and the `config:` block of Pulumi.yaml from the stack settings
 * (config/settings.ts). Tests fail when either is stale.
 */
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { isScalar, parseDocument, Scalar, visit } from "yaml";
import { tenantsJsonSchema } from "../tenants/schema";
import { pulumiConfigBlock } from "../config/settings";

export const SCHEMA_FILE = path.resolve(__dirname, "..", "tenants", "tenants.schema.json");
export const PROJECT_FILE = path.resolve(__dirname, "..", "Pulumi.yaml");

export function renderSchema(): string {
  return `${JSON.stringify(tenantsJsonSchema(), null, 2)}\n`;
}

/** Pulumi.yaml with its `config:` block replaced by the one the settings declare; everything else (and its comments) kept. */
export function renderProjectFile(text: string): string {
  const doc = parseDocument(text);
  const comment = doc.get("config", true) ? (doc.contents as { items: { key: { commentBefore?: string; value: string } }[] }).items.find((p) => p.key.value === "config")?.key.commentBefore : undefined;
  doc.set("config", doc.createNode(pulumiConfigBlock()));
  const pair = (doc.contents as { items: { key: { commentBefore?: string; value: string } }[] }).items.find((p) => p.key.value === "config");
  if (pair && comment) pair.key.commentBefore = comment;
  // Quoted where a YAML 1.1 reader (or a human) could take a string for something else: off, cron lines.
  visit(doc.get("config", true) as never, {
    Scalar(_, node) {
      if (isScalar(node) && typeof node.value === "string" && (node.value === "" || /^(y|n|yes|no|on|off|true|false|null|~)$/i.test(node.value) || /[*#]/.test(node.value))) node.type = Scalar.QUOTE_DOUBLE;
    },
  });
  visit(doc.get("config", true) as never, {
    Seq(_, node) {
      node.flow = true;
    },
  });
  return doc.toString({ lineWidth: 0 });
}

if (require.main === module) {
  writeFileSync(SCHEMA_FILE, renderSchema());
  process.stdout.write(`wrote ${path.relative(process.cwd(), SCHEMA_FILE)}\n`);
  writeFileSync(PROJECT_FILE, renderProjectFile(readFileSync(PROJECT_FILE, "utf8")));
  process.stdout.write(`wrote the config block of ${path.relative(process.cwd(), PROJECT_FILE)}\n`);
}
