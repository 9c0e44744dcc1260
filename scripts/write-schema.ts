/**
 * npm run schema: rewrites what is generated from a single declaration (tenants/tenants.schema.json,
 * the config block of Pulumi.yaml, the policy pack's stack configs, the generated tables of the
 * README and docs/). The logic is src/tools/schema.ts.
 */
import { parseCommandLine, runMain } from "../src/cli/cli";
import { writeSchemaFiles } from "../src/tools/schema";

const USAGE =
  "usage: npm run schema   (rewrites tenants/tenants.schema.json, the config block of Pulumi.yaml, policies/config.*.json and the settings tables of the README and docs/)";

runMain("schema", (argv) => {
  parseCommandLine(argv, {}, USAGE);
  writeSchemaFiles();
  return process.exitCode === 1 ? 1 : 0;
});
