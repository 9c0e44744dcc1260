/**
 * npm run schema: rewrites what is generated from a single declaration (tenants/tenants.schema.json,
 * the config block of Pulumi.yaml, the policy pack's stack configs, the generated tables of the
 * README and docs/). The logic is src/tools/schema.ts.
 */
import { writeSchemaFiles } from "../src/tools/schema";

writeSchemaFiles();
