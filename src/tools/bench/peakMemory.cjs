/**
 * Preloaded (`node --require`) into a command the benchmark weighs: at exit, writes the
 * process's peak resident set in KiB (process.resourceUsage().maxRSS) to the file named by
 * TENANT_FLEET_BENCH_PEAK_FILE, which the parent reads (a child's peak is not otherwise
 * visible to Node).
 */
const { writeFileSync } = require("node:fs");

const file = process.env.TENANT_FLEET_BENCH_PEAK_FILE;
if (file) process.on("exit", () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
