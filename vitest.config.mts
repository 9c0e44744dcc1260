import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/*.test.ts", "packages/*/test/**/*.test.ts"],
    environment: "node",
    // Test fleets are written to temporary directories, outside the project: tests of the
    // refusal itself (test/hardening.test.ts) clear this.
    env: { TENANT_FLEET_ALLOW_OUTSIDE_PROJECT: "1" },
    // The Pulumi mock runtime is process-global: run files in separate processes.
    pool: "forks",
    // Two files at a time: vitest's default is one fewer than the cores, one file at a time on CI's two, leaving a
    // core idle while a file waits on its child processes, git or a stand-in server. Files share nothing but
    // temporary directories of their own and ports they bind as 0.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ["default", "json"],
    outputFile: { json: "reports/vitest.json" },
    server: { deps: { inline: [/@actions\/workflow-parser/, /@actions\/expressions/] } },
  },
});
