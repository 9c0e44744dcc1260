/**
 * npm run golden: rewrites test/golden/ (test files only) and names each file it wrote. The
 * logic is src/tools/golden.ts; this repository's tenant-operation workflows, the schema and the
 * docs tables are written by npm run generate, and this says when they are stale.
 */
import { parseCommandLine, runMain } from "../src/cli/cli";
import { writeGolden } from "../src/tools/golden";
import { plannedChanges } from "../src/tools/generate";

const USAGE = "usage: npm run golden   (rewrites test/golden/, the sample fleets' generated workflows)";

runMain("golden", (argv) => {
  parseCommandLine(argv, {}, USAGE);
  for (const file of writeGolden()) process.stdout.write(`wrote ${file}\n`);
  const stale = plannedChanges().filter((c) => !c.path.startsWith("test/"));
  if (stale.length) process.stdout.write(`not written here, and out of date: ${stale.map((c) => c.path).join(", ")}: run npm run generate\n`);
  return 0;
});
