/**
 * The benchmark's stand-in for how `pulumi up` loads TypeScript (src/tools/bench/pulumiTsLoader.cjs):
 * type-checked by default, as the Pulumi CLI does, and transpile-only when
 * PULUMI_NODEJS_TRANSPILE_ONLY=true, which this stack's CI sets after `npm test` type-checked.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "./program";

const dir = mkdtempSync(path.join(tmpdir(), "tf-loader-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const entry = path.join(dir, "entry.ts");
writeFileSync(entry, 'const n: number = "not a number";\nconsole.log(`ran ${typeof n} ${process.argv.slice(2).join(",")}`);\n');

function load(transpileOnly: string | undefined) {
  const env: NodeJS.ProcessEnv = { ...process.env, TS_NODE_CACHE_DIRECTORY: mkdtempSync(path.join(dir, "cache-")) };
  delete env.PULUMI_NODEJS_TRANSPILE_ONLY;
  if (transpileOnly !== undefined) env.PULUMI_NODEJS_TRANSPILE_ONLY = transpileOnly;
  return spawnSync(process.execPath, [path.join(ROOT, "src/tools/bench/pulumiTsLoader.cjs"), entry, "a", "b"], { cwd: ROOT, env, encoding: "utf8" });
}

describe("Pulumi's TypeScript loader, as the benchmark runs it", () => {
  it("type-checks by default, like pulumi up", () => {
    const r = load(undefined);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/Unable to compile TypeScript[\s\S]*entry\.ts\(1,7\): error TS2322/);
    expect(r.stdout).toBe("");
  });

  it("only transpiles with PULUMI_NODEJS_TRANSPILE_ONLY=true, and hands the program its arguments", () => {
    const r = load("true");
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("ran string a,b\n");
    expect(r.status).toBe(0);
  });

  it("type-checks when the variable says anything but true", () => {
    expect(load("false").status).toBe(1);
  });
});
