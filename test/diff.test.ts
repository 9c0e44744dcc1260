/** The tenant diff against a base branch, with fixtures in a temporary git repository. */
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { baseSide } from "../src/engine/baseSide";
import { diffFleets, diffPasses, type FleetDiff, type StackView } from "../src/review/diff";
import { SETTING_REVIEW } from "../src/core/config/settings";
import { ACKNOWLEDGEABLE_CHANGES } from "../tenants/changeKinds";
import { renderDiffMarkdown, renderDiffText } from "../src/review/diffReport";
import { GitError } from "../src/cli/git";
import { parseTenants } from "../tenants/load";
import { ROOT } from "./program";
import { ACME, NORTHWIND, fleetYaml } from "./helpers";
import { formatProblem } from "../src/core/diagnostics/problems";
import { EXAMPLE_REASON } from "../tenants/schema";

const RETIRED = { id: "old-mill", name: "Old Mill", region: "aws-us-east-1", residency: "US", status: "retired" };
const BASE_TENANTS = fleetYaml([ACME, NORTHWIND, RETIRED]);
const BASE_STACK =
  'config:\n  tenant-fleet:protect: true\n  tenant-fleet:neonOrgId: org-a-1\n  tenant-fleet:githubOwner: o\n  tenant-fleet:githubRepository: r\n  tenant-fleet:keyAdministrators: ["arn:aws:iam::123456789012:role/tenant-fleet-deploy"]\n';

/** A git repository whose HEAD holds the base fleet; returns its directory. */
function repoWithBase(tenants = BASE_TENANTS, stack = BASE_STACK): string {
  const dir = mkdtempSync(path.join(tmpdir(), "tf-diff-"));
  const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, stdio: "pipe" });
  git("init", "-q");
  git("config", "user.email", "t@example.invalid");
  git("config", "user.name", "t");
  copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  writeFileSync(path.join(dir, "Pulumi.prod.yaml"), stack);
  mkdirSync(path.join(dir, "tenants"));
  writeFileSync(path.join(dir, "tenants/tenants.yaml"), tenants);
  git("add", "-A");
  git("commit", "-qm", "base");
  return dir;
}

function diffAgainstBase(after: string, opts: { stack?: StackView; base?: string; baseStack?: string } = {}): FleetDiff {
  const dir = repoWithBase(opts.base, opts.baseStack);
  const base = baseSide(dir, "HEAD", "prod");
  if ("problems" in base) throw new Error("base invalid");
  const fleet = parseTenants(after, "tenants/tenants.yaml").fleet!;
  return diffFleets(base.side, { fleet, stack: opts.stack ?? { neonOrgId: "org-a-1", protect: true } });
}

function classes(d: FleetDiff): string[] {
  return [
    ...d.stack.map((c) => `(stack) ${c.field} ${c.class}${c.acknowledgement ? " ack" : ""}`),
    ...d.tenants.flatMap((t) => t.changes.map((c) => `${t.id} ${t.change} ${c.field} ${c.class}${c.acknowledgement ? " ack" : ""}`)),
  ];
}

describe("tenant diff: every change class", () => {
  it("no change", () => {
    const d = diffAgainstBase(BASE_TENANTS);
    expect(classes(d)).toEqual([]);
    expect(diffPasses(d)).toBe(true);
  });

  it("added tenant: safe", () => {
    const d = diffAgainstBase(fleetYaml([ACME, NORTHWIND, RETIRED, { ...ACME, id: "zeta", name: "Zeta" }]));
    expect(classes(d)).toEqual(["zeta added tenant safe"]);
    expect(d.summary).toMatchObject({ added: 1, destructive: 0 });
  });

  it("retired and reactivated tenants: safe", () => {
    const d = diffAgainstBase(fleetYaml([{ ...ACME, status: "retired" }, NORTHWIND, { ...RETIRED, status: "active" }]));
    expect(classes(d)).toEqual(["acme-corp retired status safe", "old-mill reactivated status safe"]);
    expect(diffPasses(d)).toBe(true);
  });

  it("in-place changes (compute, PITR, name, backup, residency): safe, with before and after", () => {
    const d = diffAgainstBase(
      fleetYaml([
        { ...ACME, name: "ACME Corporation", historyRetentionHours: "48", compute: "{ maxCu: 4 }", backup: "{ retentionDays: 30 }", residency: "DE" },
        NORTHWIND,
        RETIRED,
      ]),
    );
    expect(d.tenants[0].changes.map((c) => [c.field, c.before, c.after, c.class])).toEqual([
      ["name", "ACME Corp", "ACME Corporation", "safe"],
      ["residency", "EU", "DE", "safe"],
      ["historyRetentionHours", 24, 48, "safe"],
      ["compute.maxCu", 2, 4, "safe"],
      ["backup.retentionDays", 14, 30, "safe"],
    ]);
    expect(diffPasses(d)).toBe(true);
  });

  it.each([
    ["backups off", { backup: "{ enabled: false }" }, "backup.enabled", "weakens protection: nightly backups stop (the drill stops too)"],
    ["a shorter retention", { backup: "{ retentionDays: 1 }" }, "backup.retentionDays", "weakens protection: backups are kept 1 days instead of 14"],
    [
      "a shorter PITR window",
      { historyRetentionHours: "0" },
      "historyRetentionHours",
      "weakens protection: the point-in-time restore window shrinks from 24 h to 0 h",
    ],
    [
      "fewer backups",
      { backup: '{ schedule: "17 3 * * 1" }' },
      "backup.schedule",
      "weakens protection: the longest gap between backups grows from 24 h to 168 h",
    ],
  ])("%s: weakens protection, fails unless acknowledged (change: weakening)", (_, fields, field, why) => {
    const d = diffAgainstBase(fleetYaml([{ ...ACME, ...fields }, NORTHWIND, RETIRED]));
    const c = d.tenants[0].changes.find((x) => x.field === field)!;
    expect([c.class, c.kind, c.why]).toEqual(["destructive", "weakening", why]);
    expect(diffPasses(d)).toBe(false);
    const acked = diffAgainstBase(
      `${fleetYaml([{ ...ACME, ...fields }, NORTHWIND, RETIRED])}acknowledgements:\n  - { tenant: acme-corp, change: weakening, reason: "contract OPS-12 lowers the plan" }\n`,
    );
    expect(diffPasses(acked)).toBe(true);
  });

  it("a stated RPO: the schedule must keep it; raising or dropping it weakens protection", () => {
    const fleet = (backup: string) => parseTenants(fleetYaml([{ ...ACME, backup }]), "tenants.yaml");
    expect(fleet("{ rpoHours: 12 }").problems.map(formatProblem)).toEqual([
      'tenants.yaml:8:25: tenants[0].backup.rpoHours: the schedule "17 3 * * *" leaves up to 24 h between backups, longer than the stated RPO of 12 h; schedule backups at least every 12 h (e.g. "17 */12 * * *") or state the RPO the schedule keeps',
    ]);
    const side = (backup: string) => ({ fleet: fleet(backup).fleet!, stack: { protect: true } });
    const base = side('{ rpoHours: 12, schedule: "17 3,15 * * *" }');
    const whys = (backup: string) =>
      diffFleets(base, side(backup))
        .tenants[0]?.changes.filter((c) => c.class === "destructive")
        .map((c) => [c.kind, c.why]);
    expect(whys('{ rpoHours: 24, schedule: "17 3,15 * * *" }')).toEqual([["weakening", "weakens protection: the stated RPO grows from 12 h to 24 h"]]);
    expect(whys('{ schedule: "17 3,15 * * *" }')).toEqual([["weakening", "weakens protection: the stated RPO of 12 h is dropped"]]);
    expect(whys('{ rpoHours: 6, schedule: "17 */6 * * *" }')).toEqual([]);
  });

  it("raising protection is safe, and any random change that lowers a protection field fails until acknowledged", () => {
    expect(
      diffPasses(
        diffAgainstBase(fleetYaml([{ ...ACME, backup: '{ retentionDays: 35, schedule: "17 3,15 * * *" }', historyRetentionHours: "72" }, NORTHWIND, RETIRED])),
      ),
    ).toBe(true);
    fc.assert(
      fc.property(
        fc.record({ enabled: fc.boolean(), retention: fc.integer({ min: 1, max: 60 }), pitr: fc.integer({ min: 0, max: 168 }), weekly: fc.boolean() }),
        fc.record({ enabled: fc.boolean(), retention: fc.integer({ min: 1, max: 60 }), pitr: fc.integer({ min: 0, max: 168 }), weekly: fc.boolean() }),
        (a, b) => {
          const fleet = (x: typeof a) =>
            parseTenants(
              fleetYaml([
                {
                  ...ACME,
                  historyRetentionHours: String(x.pitr),
                  backup: `{ enabled: ${x.enabled}, retentionDays: ${x.retention}, schedule: "${x.weekly ? "17 3 * * 1" : "17 3 * * *"}" }`,
                },
              ]),
              "t",
            ).fleet!;
          const d = diffFleets({ fleet: fleet(a), stack: { protect: true } }, { fleet: fleet(b), stack: { protect: true } });
          const lowered = (a.enabled && !b.enabled) || b.retention < a.retention || b.pitr < a.pitr || (!a.weekly && b.weekly);
          const tenantLevel = d.tenants.flatMap((t) => t.changes).filter((c) => c.class === "destructive");
          expect(tenantLevel.length > 0).toBe(lowered);
          for (const c of tenantLevel) expect(c.kind).toBe("weakening");
          // A retention class that leaves is the stack's own destructive change (its backups would never expire).
          for (const c of d.stack) expect(c.kind).toBe("retention");
        },
      ),
      { numRuns: 300 },
    );
  });

  it.each([
    ["region", { region: "aws-eu-west-2", residency: "GB" }, "region"],
    ["Postgres version", { pgVersion: "16" }, "pgVersion"],
    ["database names", { database: "{ name: appdb }" }, "database.name"],
    ["branch name", { database: "{ branch: trunk }" }, "database.branch"],
  ])("%s change: destructive, fails until acknowledged", (_, change, field) => {
    const d = diffAgainstBase(fleetYaml([{ ...ACME, ...change }, NORTHWIND, RETIRED]));
    expect(classes(d)).toContain(`acme-corp changed ${field} destructive`);
    expect(diffPasses(d)).toBe(false);
    const kind = d.tenants[0].changes.find((c) => c.field === field)!.kind;
    // Moving the region's only tenant away leaves its old vault holding backups: kept by setting.
    const keep = { neonOrgId: "org-a-1", protect: true, keep: { regions: ["eu-central-1"] } };
    const acked = diffAgainstBase(
      fleetYaml(
        [{ ...ACME, ...change }, NORTHWIND, RETIRED],
        // Leaving the EU for GB widens the residency too (a jurisdiction that does not contain the old one): acknowledged apart.
        `acknowledgements:\n  - tenant: acme-corp\n    change: ${kind}\n    reason: Data migrated to the new project, ticket OPS-123\n${
          "residency" in change ? "  - tenant: acme-corp\n    change: residency\n    reason: Customer moved its contract to the UK, ticket OPS-124\n" : ""
        }`,
      ),
      { stack: keep },
    );
    expect(classes(acked)).toContain(`acme-corp changed ${field} destructive ack`);
    expect(diffPasses(acked)).toBe(true);
  });

  it("removing an active tenant: destructive", () => {
    const d = diffAgainstBase(fleetYaml([NORTHWIND, RETIRED]));
    expect(classes(d)).toEqual(["(stack) backup vault eu-central-1 destructive", "acme-corp removed tenant destructive"]);
    expect(d.tenants[0].changes[0].why).toMatch(/retire it instead/);
    expect(diffPasses(d)).toBe(false);
  });

  it("removing a retired tenant: destructive too, the acknowledged last step of erasure", () => {
    const d = diffAgainstBase(fleetYaml([ACME, NORTHWIND, { ...RETIRED, id: "old-barn", name: "Old Barn" }]));
    expect(classes(d)).toEqual(["old-barn added tenant safe", "old-mill removed tenant destructive"]);
    const acked = diffAgainstBase(
      fleetYaml(
        [ACME, NORTHWIND, { ...RETIRED, id: "old-barn", name: "Old Barn" }],
        "acknowledgements:\n  - tenant: old-mill\n    change: removal\n    reason: Erasure request ER-7 approved; project deleted in Neon\n",
      ),
    );
    expect(diffPasses(acked)).toBe(true);
  });

  it("erasing the last tenant of a region: the vault leaving is destructive, kept by keepVaultRegions or acknowledged", () => {
    const ack = "acknowledgements:\n  - tenant: old-mill\n    change: removal\n    reason: Erasure request ER-7 approved; project deleted in Neon\n";
    const d = diffAgainstBase(fleetYaml([ACME, NORTHWIND], ack));
    expect(classes(d)).toEqual(["(stack) backup vault us-east-1 destructive", "old-mill removed tenant destructive ack"]);
    expect(d.stack[0].why).toMatch(/strips its versioning, lifecycle, policy and public access block.*keepVaultRegions/);
    expect(renderDiffText(d, { base: "HEAD", stack: "prod", file: "t.yaml" })).toContain(
      "error: (stack): backup vault us-east-1: kept → (none): no tenant backs up to us-east-1 any more",
    );
    expect(renderDiffText(d, { base: "HEAD", stack: "prod", file: "t.yaml" })).toContain(
      `not acknowledged: add to acknowledgements: { change: vault, reason: "${EXAMPLE_REASON}" }`,
    );
    expect(diffPasses(d)).toBe(false);
    const kept = diffAgainstBase(fleetYaml([ACME, NORTHWIND], ack), { stack: { neonOrgId: "org-a-1", protect: true, keep: { regions: ["us-east-1"] } } });
    expect(classes(kept)).toEqual(["old-mill removed tenant destructive ack"]);
    const accepted = diffAgainstBase(
      fleetYaml([ACME, NORTHWIND], `${ack}  - change: vault\n    reason: Last backup of us-east-1 expired on 2027-01-04 (OPS-9)\n`),
    );
    expect(diffPasses(accepted)).toBe(true);
  });

  it("a retention class leaving the stack is destructive: its backups would never expire", () => {
    const thirty = "{ retentionDays: 30 }";
    const d = diffAgainstBase(
      fleetYaml([
        { ...ACME, backup: thirty },
        { ...NORTHWIND, backup: thirty },
        { ...RETIRED, backup: thirty },
      ]),
    );
    expect(classes(d).filter((c) => c.startsWith("(stack)"))).toEqual(["(stack) retention class 14d destructive"]);
    expect(d.stack[0].why).toMatch(/retain-14d\/ never expire.*keepRetentionDays/);
    const kept = diffAgainstBase(
      fleetYaml([
        { ...ACME, backup: thirty },
        { ...NORTHWIND, backup: thirty },
        { ...RETIRED, backup: thirty },
      ]),
      { stack: { neonOrgId: "org-a-1", protect: true, keep: { retentionDays: [14] } } },
    );
    expect(kept.stack).toEqual([]);
  });

  it("reads what the base kept from the base's stack file", () => {
    const d = diffAgainstBase(BASE_TENANTS, {
      baseStack: `${BASE_STACK}  tenant-fleet:keepVaultRegions: ["sa-east-1"]\n  tenant-fleet:keepRetentionDays: [90]\n`,
    });
    expect(classes(d)).toEqual(["(stack) backup vault sa-east-1 destructive", "(stack) retention class 90d destructive"]);
  });

  it("changing the Neon organisation: destructive for the whole stack", () => {
    const d = diffAgainstBase(BASE_TENANTS, { stack: { neonOrgId: "org-b-2", protect: true } });
    expect(classes(d)).toEqual(["(stack) tenant-fleet:neonOrgId destructive"]);
    expect(diffPasses(d)).toBe(false);
    // Naming one where there was none is a change the provider does not suppress: also a replacement.
    const named = diffAgainstBase(BASE_TENANTS, {
      baseStack: BASE_STACK.replace("  tenant-fleet:neonOrgId: org-a-1\n", ""),
      stack: { neonOrgId: "org-a-1", protect: true },
    });
    expect(classes(named)).toEqual(["(stack) tenant-fleet:neonOrgId destructive"]);
  });

  it("removing the Neon organisation: safe, and says what really happens", () => {
    const d = diffAgainstBase(BASE_TENANTS, { stack: { protect: true } });
    expect(classes(d)).toEqual(["(stack) tenant-fleet:neonOrgId safe"]);
    expect(diffPasses(d)).toBe(true);
    expect(d.stack[0].why).toBe(
      "existing projects stay in org-a-1 (the provider ignores a removed organisation id); projects created from now on get none: Neon puts them in the API key's organisation, or refuses them for a personal key",
    );
  });

  it("turning protection off: destructive; on: safe", () => {
    expect(classes(diffAgainstBase(BASE_TENANTS, { stack: { neonOrgId: "org-a-1", protect: false } }))).toEqual(["(stack) tenant-fleet:protect destructive"]);
    const on = diffAgainstBase(BASE_TENANTS, { baseStack: BASE_STACK.replace("protect: true", "protect: false") });
    expect(classes(on)).toEqual(["(stack) tenant-fleet:protect safe"]);
  });

  it("reports acknowledgements that match nothing, without failing", () => {
    const d = diffAgainstBase(
      fleetYaml([ACME, NORTHWIND, RETIRED], "acknowledgements:\n  - tenant: acme-corp\n    change: region\n    reason: Left over from the last pull request\n"),
    );
    expect(d.unusedAcknowledgements).toEqual([{ tenant: "acme-corp", change: "region", reason: "Left over from the last pull request" }]);
    expect(diffPasses(d)).toBe(true);
    expect(renderDiffText(d, { base: "HEAD", stack: "prod", file: "t.yaml" })).toContain(
      "warning: acknowledgement acme-corp/region matches no change against HEAD; remove it",
    );
  });

  it("treats every tenant as added when the base has no tenants file", () => {
    const dir = repoWithBase();
    execFileSync("git", ["rm", "-q", "tenants/tenants.yaml"], { cwd: dir });
    execFileSync("git", ["commit", "-qm", "no fleet"], { cwd: dir });
    const base = baseSide(dir, "HEAD", "prod");
    expect(base).toEqual({ side: undefined });
    const d = diffFleets(undefined, { fleet: parseTenants(BASE_TENANTS, "t").fleet!, stack: { protect: true } });
    expect(d.summary.added).toBe(3);
  });

  it("refuses an invalid base or an unknown ref", () => {
    const dir = repoWithBase("version: 1\ntenants: []\n");
    const base = baseSide(dir, "HEAD", "prod");
    expect("problems" in base && base.problems[0].file).toBe("HEAD:tenants/tenants.yaml");
    expect(() => baseSide(dir, "no-such-branch", "prod")).toThrow(GitError);
    expect(() => baseSide(dir, "--upload-pack=evil", "prod")).toThrow(GitError);
  });

  it("validates acknowledgements in the tenants file", () => {
    const r = parseTenants(
      fleetYaml(
        [ACME],
        "acknowledgements:\n  - change: region\n    reason: short\n  - tenant: acme-corp\n    change: protection\n    reason: Protection off for the migration window\n  - tenant: acme-corp\n    change: vault\n    reason: The us-east-1 vault is empty since 2027-01\n",
      ),
      "t.yaml",
    );
    expect(r.problems.map((p) => `${p.line}:${p.col} ${p.path}: ${p.message}`)).toEqual([
      "3:5 acknowledgements[0]: a region change belongs to one tenant; add tenant: <id>",
      "4:13 acknowledgements[0].reason: the reason is too short; say why the change is safe (data migrated, erasure approved, ...) with a ticket reference",
      "5:13 acknowledgements[1].tenant: a protection change is stack-wide; remove tenant from this acknowledgement",
      "8:13 acknowledgements[2].tenant: a vault change is stack-wide; remove tenant from this acknowledgement",
    ]);
  });
});

describe("diff output", () => {
  // Leaving the EU for GB: the region replaces the project and the residency widens (GB does not lie inside EU).
  const d = diffAgainstBase(fleetYaml([{ ...ACME, name: "ACME Corporation", region: "aws-eu-west-2", residency: "GB" }, NORTHWIND]));

  it("puts destructive changes first, as errors, with the acknowledgement to add", () => {
    const text = renderDiffText(d, { base: "origin/main", stack: "prod", file: "tenants/tenants.yaml" });
    const lines = text.split("\n");
    expect(lines[1]).toBe(
      "0 added, 0 retired, 0 reactivated, 1 removed, 1 changed · 5 destructive changes not acknowledged: this change must not merge as it is",
    );
    expect(lines[3]).toMatch(/^error: \(stack\): backup vault eu-central-1: kept → \(none\)/);
    expect(lines[4]).toMatch(/^error: \(stack\): backup vault us-east-1: kept → \(none\)/);
    expect(lines[5]).toMatch(/^error: acme-corp: region: aws-eu-central-1 → aws-eu-west-2/);
    expect(lines[6]).toMatch(/^error: acme-corp: residency: EU → GB: the declared residency changes from EU to GB, which does not contain it/);
    expect(text).toContain(`or acknowledge: { tenant: acme-corp, change: region, reason: "${EXAMPLE_REASON}" }`);
  });

  it("keeps a renamed tenant's hostile but valid name inert in the Markdown comment and the text", () => {
    const name = 'Toys"R"Us | <b>*Ops*</b> [x](http://e) `rm` #1';
    const renamed = diffAgainstBase(fleetYaml([{ ...ACME, name: JSON.stringify(name) }, NORTHWIND, RETIRED]));
    const md = renderDiffMarkdown(renamed, { base: "origin/main", stack: "prod", file: "tenants/tenants.yaml" });
    const row = md.split("\n").find((l) => l.startsWith("| acme-corp | name"))!;
    expect(row.split(/(?<!\\)\|/).length - 2).toBe(5);
    expect(md).not.toContain("<b>");
    // Link, code and emphasis syntax arrive escaped, so GitHub shows them as text; a zero-width joiner (src/core/escape.ts defang) breaks links;
    // tags arrive as entities, which no renderer reads as HTML, with nothing invisible in them.
    expect(row).toContain("\\[x\\]\u200d(http\u200d://e) \\`rm\\`");
    expect(row).toContain("&lt;b&gt;\\*Ops\\*&lt;/b&gt;");
    expect(renderDiffText(renamed, { base: "origin/main", stack: "prod", file: "tenants/tenants.yaml" })).toContain(name);
  });

  it("renders Markdown for a pull-request comment with a caution and two tables", () => {
    const md = renderDiffMarkdown(d, { base: "origin/main", stack: "prod", file: "tenants/tenants.yaml" });
    expect(md).toContain("> [!CAUTION]");
    expect(md.indexOf("#### Destructive changes")).toBeLessThan(md.indexOf("#### Other changes"));
    for (const line of md.split("\n").filter((l) => l.startsWith("| acme-corp") || l.startsWith("| old-mill"))) {
      expect(line.split(/(?<!\\)\|/).length - 2).toBe(line.startsWith("| acme-corp | name") ? 5 : 6);
    }
  });
});

describe("stack settings in the diff", () => {
  const fleet = parseTenants(BASE_TENANTS, "t").fleet!;
  const BASE = {
    githubOwner: "example-saas",
    githubRepository: "app",
    secretScope: "environment",
    backupEncryption: "kms",
    keyAdministrators: '["arn:aws:iam::123456789012:role/tenant-fleet-deploy"]',
  };
  const diff = (after: Record<string, string>, before: Record<string, string> = BASE, acks = "") =>
    diffFleets(
      { fleet, stack: { protect: true, settings: before } },
      { fleet: acks ? parseTenants(`${BASE_TENANTS}${acks}`, "t").fleet! : fleet, stack: { protect: true, settings: after } },
    );
  const stackClasses = (d: FleetDiff) => d.stack.map((c) => `${c.field} ${c.class}${c.kind ? ` ${c.kind}` : ""}`);

  it.each([
    ["another repository", { githubRepository: "elsewhere" }, "tenant-fleet:githubRepository destructive repository"],
    ["another owner", { githubOwner: "someone" }, "tenant-fleet:githubOwner destructive repository"],
    ["a scope change", { secretScope: "repository" }, "tenant-fleet:secretScope destructive secretScope"],
    ["kms to s3", { backupEncryption: "s3" }, "tenant-fleet:backupEncryption destructive encryption"],
    [
      "a new key administrator",
      { keyAdministrators: '["arn:aws:iam::123456789012:role/tenant-fleet-deploy","arn:aws:iam::123456789012:role/x"]' },
      "tenant-fleet:keyAdministrators destructive custody",
    ],
    [
      "a break-glass principal named",
      { breakGlassPrincipal: "arn:aws:iam::123456789012:role/tenant-fleet-deploy" },
      "tenant-fleet:breakGlassPrincipal destructive custody",
    ],
  ])("%s fails unless acknowledged", (_, change, expected) => {
    const d = diff({ ...BASE, ...change });
    expect(stackClasses(d)).toEqual([expected]);
    expect(diffPasses(d)).toBe(false);
    const kind = expected.split(" ").at(-1);
    expect(diffPasses(diff({ ...BASE, ...change }, BASE, `acknowledgements:\n  - { change: ${kind}, reason: "approved in OPS-77 by the data owner" }\n`))).toBe(
      true,
    );
  });

  it("s3 to kms, another branch: shown for review, not failing; batch size: safe; key administrators reordered: unchanged", () => {
    const d = diff(
      {
        ...BASE,
        backupEncryption: "kms",
        githubBranch: "trunk",
        batchSize: "20",
        keyAdministrators: '["arn:aws:iam::123456789012:role/x","arn:aws:iam::123456789012:role/tenant-fleet-deploy"]',
      },
      { ...BASE, backupEncryption: "s3", keyAdministrators: '["arn:aws:iam::123456789012:role/tenant-fleet-deploy","arn:aws:iam::123456789012:role/x"]' },
    );
    expect(stackClasses(d)).toEqual([
      "tenant-fleet:githubBranch review",
      "tenant-fleet:backupEncryption review",
      "tenant-fleet:batchSize safe",
      "tenant-fleet:keyAdministrators review",
    ]);
    expect(diffPasses(d)).toBe(true);
    expect(d.summary.review).toBe(3);
    expect(renderDiffMarkdown(d, { base: "HEAD", stack: "prod", file: "t.yaml" })).toContain("#### Changes to review");
  });

  it("unset and default are the same value, and a secret setting's value is never shown", () => {
    expect(diff({ ...BASE, batchSize: "50" }).stack).toEqual([]);
    const d = diff({ ...BASE, devNeonApiKey: "neon-key-2" }, { ...BASE, devNeonApiKey: "neon-key-1" });
    expect(d.stack.map((c) => [c.field, c.before, c.after, c.class])).toEqual([["tenant-fleet:devNeonApiKey", "(secret)", "(secret, changed)", "review"]]);
    expect(JSON.stringify(d)).not.toContain("neon-key");
  });

  it("every destructive setting names a kind of the catalogue", () => {
    for (const [key, r] of Object.entries(SETTING_REVIEW)) if (r.class === "destructive") expect(ACKNOWLEDGEABLE_CHANGES, key).toContain(r.kind);
  });
});

describe("npm run plan -- --base", () => {
  function plan(...args: string[]) {
    const r = spawnSync(process.execPath, [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), path.join(ROOT, "scripts/plan.ts"), ...args], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, INIT_CWD: ROOT },
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }
  const dir = mkdtempSync(path.join(tmpdir(), "tf-diff-cli-"));
  const changed = path.join(dir, "tenants.yaml");
  writeFileSync(changed, readFileSync(path.join(ROOT, "tenants/tenants.yaml"), "utf8").replace("region: aws-us-east-2", "region: aws-us-west-2"));

  it("exits 0 without changes", () => {
    const r = plan("--base", "HEAD");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("no destructive change");
  });

  it("exits 1 on an unacknowledged destructive change, in every format", () => {
    const text = plan("--base", "HEAD", "--tenants", changed);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain("error: northwind: region: aws-us-east-2 → aws-us-west-2");
    expect(text.stdout).toContain("error: (stack): backup vault us-east-2: kept → (none)");
    // The programs' layer is test/reviewPrograms.test.ts's subject; the other formats need only the files'.
    const md = plan("--base", "HEAD", "--tenants", changed, "--format", "md", "--tenants-only");
    expect(md.code).toBe(1);
    expect(md.stdout).toMatch(/^\| northwind \| region \(line \d+\) \| aws-us-east-2 \| aws-us-west-2 \|/m);
    const json = plan("--base", "HEAD", "--tenants", changed, "--json", "--tenants-only");
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ base: "HEAD", stack: "prod", passes: false, summary: { destructive: 2, unacknowledged: 2 } });
  });

  it("compares the stack settings too: another repository fails, a new key administrator fails as custody", () => {
    const moved = plan("--base", "HEAD", "--config", "githubRepository=other-app", "--tenants-only");
    expect(moved.code).toBe(1);
    expect(moved.stdout).toContain(
      "error: (stack): tenant-fleet:githubRepository: app → other-app: connection strings, workflows and role trusts move to another repository; not acknowledged: add to acknowledgements: { change: repository",
    );
    const admins = plan(
      "--base",
      "HEAD",
      "--config",
      'keyAdministrators=["arn:aws:iam::123456789012:role/tenant-fleet-deploy","arn:aws:iam::123456789012:role/someone-else"]',
      "--tenants-only",
    );
    expect(admins.code).toBe(1);
    expect(admins.stdout).toMatch(
      /^error: \(stack\): tenant-fleet:keyAdministrators: .* changes; not acknowledged: add to acknowledgements: \{ change: custody/m,
    );
  });

  it("points each change at its line (the base file's for a removal) and keeps one line per finding unless --verbose", () => {
    const text = readFileSync(changed, "utf8");
    const before = text.slice(0, text.indexOf("region: aws-us-west-2")).split("\n");
    const r = plan("--base", "HEAD", "--tenants", changed, "--tenants-only");
    const line = r.stdout.split("\n").find((l) => l.includes("error: northwind: region"))!;
    expect(
      line.startsWith(`${changed}:${before.length}:${before.at(-1)!.length + "region: ".length + 1}: error: northwind: region: aws-us-east-2 → aws-us-west-2`),
    ).toBe(true);
    expect(line).toContain('instead: keep region: aws-us-east-2 and move the tenant: move: { region: aws-us-west-2, ticket: "');
    expect(r.stdout).not.toMatch(/^ {4}instead:/m);
    const verbose = plan("--base", "HEAD", "--tenants", changed, "--tenants-only", "--verbose");
    expect(verbose.stdout).toMatch(/^ {4}instead: keep it with tenant-fleet:keepVaultRegions/m);
    const json = JSON.parse(plan("--base", "HEAD", "--tenants", changed, "--json", "--tenants-only").stdout);
    const region = json.tenants.find((t: { id: string }) => t.id === "northwind").changes[0];
    expect(region.at).toMatchObject({ file: changed, line: before.length, side: "head", of: "field" });
    expect(plan("--verbose").code).toBe(2);
  });

  it("names a missing ref as a usage error", () => {
    const r = plan("--base", "no-such-ref");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^--base no-such-ref: no such commit here/);
  });
});

describe("tenant diff in a sharded stack", () => {
  it("compares only the tenants the stack owns, and shows a tenant moving away as removed", () => {
    const stack = `${BASE_STACK}  tenant-fleet:shardResidencies: [EU]\n`;
    const dir = repoWithBase(BASE_TENANTS, stack);
    const base = baseSide(dir, "HEAD", "prod");
    if ("problems" in base) throw new Error("base invalid");
    expect(base.side!.fleet.tenants.map((t) => t.id)).toEqual(["acme-corp"]);
    const now = parseTenants(BASE_TENANTS, "t.yaml").fleet!;
    const mine = { ...now, tenants: now.tenants.filter((t) => t.residency === "EU") };
    expect(diffFleets(base.side, { fleet: mine, stack: { neonOrgId: "org-a-1", protect: true } }).summary.destructive).toBe(0);
    const moved = { ...now, tenants: [] };
    expect(classes(diffFleets(base.side, { fleet: moved, stack: { neonOrgId: "org-a-1", protect: true } }))).toEqual([
      "(stack) backup vault eu-central-1 destructive",
      "(stack) retention class 14d destructive",
      "acme-corp removed tenant destructive",
    ]);
  });
});
