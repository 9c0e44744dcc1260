/**
 * npm run golden: rewrites test/golden/ and this repository's tenant-operation workflows
 * (.github/workflows/tenant-*.yml). The logic is src/tools/golden.ts.
 */
import { writeGolden } from "../src/tools/golden";

writeGolden();
