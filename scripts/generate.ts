/**
 * npm run generate: runs every generator of the project and names each file it wrote or left
 * unchanged (the list is src/tools/generate.ts):
 *
 *   npm run generate               # the schema and docs tables, the policy configs, this
 *                                  # repository's workflows, the goldens
 *   npm run generate -- --neon     # and the Neon SDK (sdks/neon) from its schema facts
 */
import { parseCommandLine, runMain } from "../src/cli/cli";
import { generate } from "../src/tools/generate";

const USAGE = "usage: npm run generate [-- --neon]";

runMain("generate", async (argv) => {
  const args = parseCommandLine(argv, { neon: { type: "boolean", default: false } }, USAGE);
  generate({ neon: args.neon });
  return process.exitCode === 1 ? 1 : 0;
});
