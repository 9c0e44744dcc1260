/**
 * The loader against inputs that used to crash it, lie through it, or break what GitHub
 * runs: deep nesting, huge and hostile values, numbers that convert to "unlimited",
 * schedules GitHub rejects or spells twice, line breaks Unicode knows, and resource
 * names the engine would refuse.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parseTenants, MAX_NESTING } from "../tenants/load";
import { cronProblem } from "../tenants/schema";
import { githubCronProblem, normaliseCron } from "../src/core/cronGrammar";
import { planWorkflows, scheduleSlugs } from "../src/plan/workflows/render";
import { parseStackSettings } from "../src/core/config/settings";
import { formatProblem } from "../src/core/diagnostics/problems";
import { ACME, fleetYaml } from "./helpers";
import { outsideProject } from "../src/plan/inputs";
import { ROOT } from "./program";

const lines = (text: string) => parseTenants(text, "t.yaml").problems.map(formatProblem);

describe("nesting", () => {
  it("refuses a 3,000-level block map and a 5,000-level flow list with a position, no stack trace", () => {
    let block = "version: 1\ntenants:\n  - id: a\n    compute:\n";
    let indent = "      ";
    for (let i = 0; i < 3000; i++) {
      block += `${indent}k:\n`;
      indent += "  ";
    }
    expect(lines(block)).toEqual([
      `t.yaml:${4 + MAX_NESTING - 1}:${6 + 2 * (MAX_NESTING - 2) + 1}: the document nests more than ${MAX_NESTING} levels deep here; a tenants file nests a few (tenants, a tenant, its backup, a key), so this is not one`,
    ]);
    expect(lines(`version: 1\ntenants: ${"[".repeat(5000)}${"]".repeat(5000)}\n`)[0]).toMatch(/^t\.yaml:2:\d+: the document nests more than 32 levels/);
  });

  it("is not fooled by brackets inside quotes or comments, and leaves real files alone", () => {
    const name = JSON.stringify("[".repeat(200));
    expect(parseTenants(fleetYaml([{ ...ACME, name }]), "t.yaml").fleet).toBeDefined();
    expect(parseTenants(`# ${"[".repeat(100)}\n${fleetYaml([ACME])}`, "t.yaml").fleet).toBeDefined();
  });
});

describe("values echoed in messages", () => {
  it("are cut to a bounded prefix, whatever their size", () => {
    const message = lines(fleetYaml([{ ...ACME, name: JSON.stringify("a".repeat(5_000_000)) }]))[0];
    expect(message.length).toBeLessThan(300);
    const schedule = lines(fleetYaml([{ ...ACME, backup: `{ schedule: "${"1".repeat(1_000_000)} 3 * * *" }` }]))[0];
    expect(schedule.length).toBeLessThan(400);
  });

  it("refuse an acknowledgement reason with a control character (ESC[2K\\r would erase the 'data is lost' line of a terminal)", () => {
    const file = `${fleetYaml([ACME])}acknowledgements:\n  - { tenant: acme-corp, change: region, reason: "ticket OPS-1 \\u001b[2K\\rall fine" }\n`;
    const out = lines(file);
    expect(out).toHaveLength(1);
    expect(out[0]).toContain("contains U+001B, a control, format or unassigned character that could hide or rewrite the review's output");
    expect(out[0]).not.toContain("\u001b");
  });
});

describe("numbers survive conversion to the provider's units", () => {
  it.each([
    ["quota: { computeTimeHours: 1e-300 }", "1e-300 hours is less than one second, which Neon would read as 0 (unlimited)"],
    ["quota: { activeTimeHours: 0.0001 }", "0.0001 hours is less than one second"],
    ["quota: { computeTimeHours: 0.33333 }", "0.33333 hours is 1199.99 seconds, not a whole number of them"],
    ["quota: { writtenDataGiB: 1e-12 }", "less than one byte, which Neon would read as 0 (unlimited)"],
    ["historyRetentionHours: 1e-300", "less than one second, which Neon would read as 0 (no point-in-time restore)"],
  ])("%s is refused", (field, message) => {
    const out = lines(fleetYaml([{ ...ACME, [field.split(":")[0]]: field.slice(field.indexOf(":") + 1).trim() }]));
    expect(out.join("\n")).toContain(message);
  });

  it("whole seconds and any GiB of at least a byte pass", () => {
    expect(
      parseTenants(fleetYaml([{ ...ACME, quota: "{ computeTimeHours: 0.5, writtenDataGiB: 0.1 }", historyRetentionHours: "0.25" }]), "t.yaml").fleet,
    ).toBeDefined();
  });
});

describe("schedules", () => {
  it.each([
    ["17 3 L * *", 'the day of the month field "l" is not 1–31 (GitHub has no L, W, H, ? or #)'],
    ["H 3 * * *", 'the minute field "h" is not 0–59 (GitHub has no L, W, H, ? or #)'],
    ["17 3 * * 7", "7 is not a day of the week for GitHub; Sunday is 0 (or SUN)"],
    ["17 3 * * *\n", "it holds a character GitHub's cron does not use"],
    ["17 3 ? * *", "it holds a character GitHub's cron does not use"],
    ["@daily", "it holds a character GitHub's cron does not use"],
    ["0 0 17 3 * * *", "it has 7 fields"],
    ["17 5-3 * * *", 'the hour range "5-3" runs backwards'],
  ])("%j is refused as GitHub would", (schedule, why) => {
    expect(cronProblem(schedule)).toContain(why);
  });

  it("are checked with GitHub's own grammar: ours and @actions/workflow-parser agree on a generated corpus", async () => {
    const { isValidCron } = (await import("@actions/workflow-parser/model/converter/cron")) as { isValidCron: (c: string) => boolean };
    const atom = fc.oneof(
      fc.integer({ min: -1, max: 62 }).map(String),
      fc.constantFrom("*", "mon", "SUN", "jan", "Dec", "7", "L", "W", "H", "?", "#", "", "0"),
    );
    const item = fc.oneof(
      atom,
      fc.tuple(atom, atom).map(([a, b]) => `${a}-${b}`),
      fc.tuple(atom, fc.integer({ min: 0, max: 40 })).map(([a, n]) => `${a}/${n}`),
    );
    const field = fc.array(item, { minLength: 1, maxLength: 3 }).map((xs) => xs.join(","));
    fc.assert(
      fc.property(fc.array(field, { minLength: 4, maxLength: 6 }), (fields) => {
        const expr = fields.join(" ");
        expect(githubCronProblem(expr) === undefined, expr).toBe(isValidCron(expr));
      }),
      { numRuns: 3000 },
    );
  });

  it("are normalised, so one schedule spelled twice makes one workflow file", () => {
    expect(normaliseCron("  17  3 * * MON ")).toBe("17 3 * * mon");
    const fleet = parseTenants(
      fleetYaml([
        { ...ACME, backup: '{ schedule: " 17 3 * * MON" }' },
        { ...ACME, id: "b", name: "B", backup: '{ schedule: "17 3 * * mon" }' },
      ]),
      "t.yaml",
    ).fleet!;
    expect(fleet.tenants.map((t) => t.backup.schedule)).toEqual(["17 3 * * mon", "17 3 * * mon"]);
    expect(
      planWorkflows(fleet.tenants, {})
        .filter((w) => w.kind === "backup")
        .map((w) => w.path),
    ).toEqual([".github/workflows/tenant-fleet-backup-17-3-x-x-mon.yml"]);
  });

  it("that would share a file name get a hash each, and nothing else moves", () => {
    const slugs = scheduleSlugs(["1-2 3 * * *", "1 2-3 * * *", "17 3 * * *"]);
    expect(slugs.get("17 3 * * *")).toBe("17-3-x-x-x");
    expect(slugs.get("1-2 3 * * *")).toMatch(/^1-2-3-x-x-x-[0-9a-f]{6}$/);
    expect(slugs.get("1 2-3 * * *")).toMatch(/^1-2-3-x-x-x-[0-9a-f]{6}$/);
    expect(slugs.get("1-2 3 * * *")).not.toBe(slugs.get("1 2-3 * * *"));
  });

  it("in the stack settings are normalised and checked the same way", () => {
    const settings = (extra: Record<string, string>) =>
      parseStackSettings({ githubOwner: "o", githubRepository: "r", backupEncryption: "s3", ...extra }, { stack: "prod", file: "Pulumi.prod.yaml" });
    expect(settings({ restoreDrillSchedule: " 41  4 * * MON" }).settings!.workflows.restoreDrillSchedule).toBe("41 4 * * mon");
    expect(settings({ restoreDrillSchedule: "41 4 * * 7" }).problems.map(formatProblem)[0]).toContain("7 is not a day of the week for GitHub");
  });
});

describe("line breaks Unicode knows", () => {
  it.each(["\u2028", "\u2029", "\u0085", "\r"])("%j in a command or a path is refused like \\n", (ch) => {
    const settings = (extra: Record<string, string>) =>
      parseStackSettings({ githubOwner: "o", githubRepository: "r", backupEncryption: "s3", ...extra }, { stack: "prod", file: "Pulumi.prod.yaml" })
        .problems.map(formatProblem)
        .join("\n");
    expect(settings({ migrationsCommand: `npm run migrate${ch}curl evil` })).toContain("is one line (no line break of any kind");
    expect(settings({ migrationsPaths: JSON.stringify([`migrations/**${ch}x`]) })).toContain("holds a line break or control character");
    expect(settings({ tenantsFile: `tenants/t${ch}.yaml` })).toContain("holds a line break or control character");
  });
});

describe("the offline plan", () => {
  it("fails on two resources with one URN, as pulumi up does", async () => {
    const pulumi = await import("@pulumi/pulumi");
    await expect(
      (await import("../src/engine/offline")).runOffline({
        project: "tenant-fleet",
        stack: "prod",
        config: {},
        program: async () => {
          class File extends pulumi.CustomResource {
            constructor(name: string, file: string) {
              super("github:index/repositoryFile:RepositoryFile", name, { file });
            }
          }
          new File("workflow-same", "a");
          new File("workflow-same", "b");
          return {};
        },
      }),
    ).rejects.toThrow(
      /^duplicate resource URN urn:pulumi:prod::tenant-fleet::pulumi:pulumi:Stack\$github:index\/repositoryFile:RepositoryFile::workflow-same: pulumi up would refuse it/,
    );
  });
});

describe("a tenants file outside the project", () => {
  const plan = (env: NodeJS.ProcessEnv, ...args: string[]) => {
    const r = spawnSync(process.execPath, [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), path.join(ROOT, "scripts/plan.ts"), ...args], {
      cwd: ROOT,
      encoding: "utf8",
      env,
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  // The suites allow outside files for their temporary fleets; these runs do not.
  const strict = { ...process.env, INIT_CWD: ROOT, TENANT_FLEET_ALLOW_OUTSIDE_PROJECT: undefined };
  const outside = path.join(mkdtempSync(path.join(tmpdir(), "tf-outside-")), "tenants.yaml");
  writeFileSync(outside, readFileSync(path.join(ROOT, "tenants/tenants.yaml"), "utf8"));

  it("is refused with the file, the real path and the flag, and planned when the flag says so", () => {
    const r = plan(strict, "--tenants", outside);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`--tenants:1:1: tenant-fleet:tenantsFile: ${JSON.stringify(outside)} is outside the project (${ROOT})`);
    expect(r.stderr).toContain("run with --allow-outside-project");
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(plan(strict, "--tenants", outside, "--allow-outside-project").code).toBe(0);
  }, 60_000);

  it("is found through a link: a committed link to any file on the machine is refused", () => {
    const project = mkdtempSync(path.join(tmpdir(), "tf-project-"));
    symlinkSync(outside, path.join(project, "tenants.yaml"));
    expect(outsideProject(project, path.join(project, "tenants.yaml"))).toBe(realpathSync(outside));
    writeFileSync(path.join(project, "real.yaml"), "version: 1\n");
    expect(outsideProject(project, path.join(project, "real.yaml"))).toBeUndefined();
    expect(outsideProject(project, path.join(project, "missing.yaml"))).toBeUndefined();
    expect(outsideProject(project, path.join(project, "../elsewhere.yaml"))).toBeUndefined();
    expect(outsideProject(project, outside)).toBe(realpathSync(outside));
  });
});
