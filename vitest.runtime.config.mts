import { defineConfig } from "vitest/config";

/** The runtime suite (test/runtime/): generated scripts run for real against local services. */
export default defineConfig({
  test: {
    include: ["test/runtime/**/*.test.ts"],
    environment: "node",
    // Test fleets are written to temporary directories, outside the project: tests of the
    // refusal itself (test/hardening.test.ts) clear this.
    env: { TENANT_FLEET_ALLOW_OUTSIDE_PROJECT: "1" },
    // Each file starts its own PostgreSQL clusters and S3; the mock runtime is process-global.
    pool: "forks",
    // Two files at a time (each with its own clusters, S3 and ports): the suite is mostly waiting on
    // PostgreSQL and the AWS CLI, and the machine has two cores.
    maxWorkers: 2,
    testTimeout: 300_000,
    hookTimeout: 300_000,
    reporters: ["default", "json"],
    outputFile: { json: "reports/vitest-runtime.json" },
    server: { deps: { inline: [/@actions\/workflow-parser/, /@actions\/expressions/] } },
  },
});
