/**
 * The program and the local Neon package compile under the strict tsconfig: what the
 * Pulumi CLI's TypeScript loader needs, and what a regenerated sdks/neon must keep.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./program";

function tsc(...args: string[]) {
  return spawnSync(process.execPath, [path.join(ROOT, "node_modules/typescript/bin/tsc"), ...args], { cwd: ROOT, encoding: "utf8" });
}

describe("TypeScript", () => {
  it("compiles the project with no error (npm run typecheck)", () => {
    const r = tsc("--noEmit", "-p", ".");
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  it("compiles the policy pack", () => {
    const r = tsc("--noEmit", "-p", "policies");
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  });
});
