/** Rewrites tenants/tenants.schema.json from the zod schema (the one source of truth). */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { tenantsJsonSchema } from "../tenants/schema";

export const SCHEMA_FILE = path.resolve(__dirname, "..", "tenants", "tenants.schema.json");

export function renderSchema(): string {
  return `${JSON.stringify(tenantsJsonSchema(), null, 2)}\n`;
}

if (require.main === module) {
  writeFileSync(SCHEMA_FILE, renderSchema());
  process.stdout.write(`wrote ${path.relative(process.cwd(), SCHEMA_FILE)}\n`);
}
