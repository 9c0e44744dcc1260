/**
 * Every validation rule of the tenants file, with the exact line a user reads.
 * Layout used by most cases (fleetYaml with one tenant):
 *   1 version: 1
 *   2 tenants:
 *   3   - id: ...        (col 9 is the value of the first key)
 *   4     name: ...      (col 11)
 *   5     region: ...    (col 13)
 *   6     residency: ... (col 16)
 *   7     status: ...    (col 13)
 *   8     <extra keys>
 */
import { describe, expect, it } from "vitest";
import { loadTenantsFile, parseTenants, type LoadContext } from "../tenants/load";
import { formatProblem } from "../src/core/diagnostics/problems";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { ACME, NORTHWIND, fleetYaml, problemLines } from "./helpers";
import { githubNameProblems } from "../src/core/repositoryContract";

const F = "tenants.yaml";
const ACTIVE_LIST = "aws-us-east-1, aws-us-east-2, aws-us-west-2, aws-eu-central-1, aws-eu-west-2, aws-ap-southeast-1, aws-ap-southeast-2, aws-sa-east-1";

interface Case {
  readonly rule: string;
  readonly text: string;
  readonly expected: readonly string[];
  readonly ctx?: LoadContext;
}

const cases: Case[] = [
  {
    rule: "malformed YAML",
    text: "version: 1\ntenants:\n  - id: [acme\n",
    expected: [`${F}:4:1: Flow sequence in block collection must be sufficiently indented and end with a ]; fix the YAML syntax`],
  },
  {
    rule: "duplicate YAML keys",
    text: fleetYaml([{ ...ACME, region: "aws-eu-central-1", ["region "]: "aws-us-east-1" }]).replace("region : aws-us-east-1", "region: aws-us-east-1"),
    expected: [
      `${F}:8:5: duplicate key; region appears twice in one mapping (first at line 5): keep one, or if this starts another entry of a list, begin it with "- "`,
    ],
  },
  {
    rule: "a name with an unquoted colon (YAML reads a nested key)",
    text: fleetYaml([{ ...ACME, name: "Acme: EU" }]),
    expected: [`${F}:4:11: the value of name holds ": ", which YAML reads as another key; quote the name: name: "Acme: EU"`],
  },
  {
    rule: "a tab as indentation",
    text: fleetYaml([ACME]).replace("    name:", "\tname:"),
    expected: [`${F}:4:1: a tab indents this line; YAML indents with spaces only: replace the tab with spaces, lined up with the keys it belongs with`],
  },
  {
    rule: "a key indented deeper than the one above it",
    text: fleetYaml([ACME]).replace("    name:", "     name:"),
    expected: [`${F}:3:9: line 4 is indented deeper (column 6) than id (column 5) above it; keys of one mapping start in the same column`],
  },
  {
    rule: "a key indented less than the tenant's other keys",
    text: fleetYaml([ACME]).replace("    name:", "   name:"),
    expected: [`${F}:4:1: name starts in column 4, the keys above in column 5; line it up with the keys of the same entry (or start a new entry with "- ")`],
  },
  {
    rule: "a key out of line after the tenant's keys",
    text: fleetYaml([ACME]).replace("    status:", "  status:"),
    expected: [
      `${F}:7:1: status starts in column 3, the key above in column 5; keys of one mapping start in the same column: indent it with spaces like the keys it belongs with`,
    ],
  },
  {
    rule: "an unclosed quote",
    text: fleetYaml([{ ...ACME, name: '"ACME Corp' }]),
    expected: [`${F}:8:1: a quoted value is not closed before this point; add the closing quote (") at the end of the value`],
  },
  {
    rule: "a value starting with a reserved character",
    text: fleetYaml([{ ...ACME, name: "@acme" }]),
    expected: [`${F}:4:11: a value cannot start with @ unless quoted; quote the name: name: "@acme"`],
  },
  {
    rule: "unknown key with a near miss",
    text: fleetYaml([{ ...ACME, pgVersoin: "17" }]),
    expected: [`${F}:8:5: tenants[0].pgVersoin: unknown key "pgVersoin"; did you mean "pgVersion"?`],
  },
  {
    rule: "unknown key without a near miss lists the allowed keys",
    text: fleetYaml([ACME], "owner: platform\n"),
    expected: [`${F}:2:1: owner: unknown key "owner"; allowed keys here are version, example, defaults, tiers, acknowledgements, tenants`],
  },
  {
    rule: "missing required key",
    text: fleetYaml([{ id: "acme-corp", name: "ACME Corp", residency: "EU", status: "active" }]),
    expected: [`${F}:3:5: tenants[0]: missing required key "region"; add region: <Neon region id>, e.g. region: aws-eu-central-1`],
  },
  {
    rule: "missing version",
    text: fleetYaml([ACME]).replace("version: 1\n", ""),
    expected: [`${F}:1:1: version: missing required key "version"; add version: 1 at the top of the file`],
  },
  {
    rule: "unsupported version",
    text: fleetYaml([ACME]).replace("version: 1", "version: 2"),
    expected: [`${F}:1:10: version: version 2 is not supported by this tenant-fleet; write version: 1`],
  },
  {
    rule: "wrong type",
    text: fleetYaml([{ ...ACME, pgVersion: '"seventeen"' }]),
    expected: [`${F}:8:16: tenants[0].pgVersion: "seventeen" is not a number; pgVersion is one of 14, 15, 16, 17, 18`],
  },
  {
    rule: "tenants is not a list",
    text: "version: 1\ntenants: acme-corp\n",
    expected: [`${F}:2:10: tenants: "acme-corp" is not a list; tenants is a list of tenant entries (- id: ...)`],
  },
  {
    rule: "empty fleet",
    text: "version: 1\ntenants: []\n",
    expected: [`${F}:2:10: tenants: the fleet is empty; add at least one tenant (a fleet whose customers have all left keeps them as status: retired)`],
  },
  {
    rule: "empty file",
    text: "# nothing here\n",
    expected: [`${F}:1:1: the file is empty; it starts with version: 1 and a tenants: list`],
  },
  {
    rule: "not a mapping",
    text: "- acme-corp\n",
    expected: [`${F}:1:1: the file is not a mapping; it starts with version: 1 and a tenants: list`],
  },
  {
    rule: "duplicate id",
    text: fleetYaml([ACME, { ...NORTHWIND, id: "acme-corp" }]),
    expected: [`${F}:8:9: tenants[1].id: duplicate id "acme-corp" (also tenants[0]); ids are unique and never reused`],
  },
  {
    rule: "duplicate name, case-insensitive",
    text: fleetYaml([ACME, { ...NORTHWIND, name: "acme  CORP" }]),
    expected: [`${F}:9:11: tenants[1].name: duplicate name "acme  CORP" (also tenants[0]); give each tenant its own display name`],
  },
  {
    rule: "id that is not a slug",
    text: fleetYaml([{ ...ACME, id: "Acme_Corp" }]),
    expected: [
      `${F}:3:9: tenants[0].id: "Acme_Corp" is not allowed; an id is a lowercase slug of at most 40 characters: a letter first, then letters, digits and single hyphens, e.g. acme-corp`,
    ],
  },
  {
    rule: "id that would become a reserved GitHub secret name",
    text: fleetYaml([{ ...ACME, id: "github-tools" }]),
    expected: [
      `${F}:3:9: tenants[0].id: the id would become the secret name GITHUB_TOOLS_DATABASE_URL, and GitHub reserves the GITHUB_ prefix; choose an id that does not start with "github-"`,
    ],
  },
  {
    rule: "name with a bidi override, shown escaped",
    text: fleetYaml([{ ...ACME, name: '"ACME \\u202Egnp.exe"' }]),
    expected: [
      `${F}:4:11: tenants[0].name: "ACME \\u{202e}gnp.exe" contains U+202E, a control, format or unassigned character that can hide or reorder text; write the name with printable characters only`,
    ],
  },
  {
    rule: "name with a zero-width space",
    text: fleetYaml([{ ...ACME, name: '"AC\\u200BME"' }]),
    expected: [
      `${F}:4:11: tenants[0].name: "AC\\u{200b}ME" contains U+200B, a control, format or unassigned character that can hide or reorder text; write the name with printable characters only`,
    ],
  },
  {
    rule: "name with a control character",
    text: fleetYaml([{ ...ACME, name: '"ACME\\u001b[31m"' }]),
    expected: [
      `${F}:4:11: tenants[0].name: "ACME\\u001b[31m" contains U+001B, a control, format or unassigned character that can hide or reorder text; write the name with printable characters only`,
    ],
  },
  {
    rule: "name with a leading space",
    text: fleetYaml([{ ...ACME, name: '" ACME"' }]),
    expected: [`${F}:4:11: tenants[0].name: " ACME" starts or ends with a space; remove it`],
  },
  {
    rule: "name longer than Neon allows, quoted shortened",
    text: fleetYaml([{ ...ACME, name: "A".repeat(257) }]),
    expected: [`${F}:4:11: tenants[0].name: "${"A".repeat(77)}…" is longer than 256 characters (Neon's limit for a project name); shorten it`],
  },
  {
    rule: "unknown region",
    text: fleetYaml([{ ...ACME, region: "aws-eu-west-1" }]),
    expected: [`${F}:5:13: tenants[0].region: "aws-eu-west-1" is not a Neon region; use one of ${ACTIVE_LIST}`],
  },
  {
    rule: "retired Azure region says why",
    text: fleetYaml([{ ...ACME, region: "azure-gwc" }]),
    expected: [
      `${F}:5:13: tenants[0].region: "azure-gwc" is retired: Neon's Azure regions stopped taking new projects on 2026-04-07 and lost support on 2026-08-27; use aws-eu-central-1 (Frankfurt, DE)`,
    ],
  },
  {
    rule: "residency that does not contain the region",
    text: fleetYaml([{ ...ACME, region: "aws-eu-west-2" }]),
    expected: [`${F}:5:13: tenants[0].region: "aws-eu-west-2" is in London, GB, outside the declared residency EU; use aws-eu-central-1 (Frankfurt, DE)`],
  },
  {
    rule: "residency no region serves",
    text: fleetYaml([{ ...ACME, residency: "FR" }]),
    expected: [`${F}:5:13: tenants[0].region: "aws-eu-central-1" is in Frankfurt, DE, outside the declared residency FR; no active Neon region serves FR`],
  },
  {
    rule: "residency that is not a code",
    text: fleetYaml([{ ...ACME, residency: "XY" }]),
    expected: [`${F}:6:16: tenants[0].residency: "XY" is not an ISO 3166-1 alpha-2 country code or EU; Neon regions serve AU, BR, DE, EU, GB, SG, US`],
  },
  {
    rule: "deprecated residency alias",
    text: fleetYaml([{ ...ACME, region: "aws-eu-west-2", residency: "UK" }]),
    expected: [`${F}:6:16: tenants[0].residency: "UK" is a deprecated code; write GB`],
  },
  {
    rule: "residency in lowercase",
    text: fleetYaml([{ ...ACME, residency: "eu" }]),
    expected: [`${F}:6:16: tenants[0].residency: "eu" is not a residency; write an ISO 3166-1 alpha-2 country code in capitals (DE, GB, US, ...) or EU`],
  },
  {
    rule: "residency the stack does not allow",
    text: fleetYaml([NORTHWIND]),
    ctx: { residencies: { allowed: ["EU", "GB"], source: "Pulumi.prod.yaml tenant-fleet:allowedResidencies" } },
    expected: [
      `${F}:6:16: tenants[0].residency: residency "US" is not allowed by this stack (Pulumi.prod.yaml tenant-fleet:allowedResidencies is EU, GB); add it there after review, or correct the tenant`,
    ],
  },
  {
    rule: "unknown status",
    text: fleetYaml([{ ...ACME, status: "paused" }]),
    expected: [`${F}:7:13: tenants[0].status: "paused" is not a status; use active or retired`],
  },
  {
    rule: "Postgres version below 14",
    text: fleetYaml([{ ...ACME, pgVersion: "13" }]),
    expected: [`${F}:8:16: tenants[0].pgVersion: Postgres 13 is not offered by Neon; use one of 14, 15, 16, 17, 18`],
  },
  {
    rule: "Postgres version above 18",
    text: fleetYaml([{ ...ACME, pgVersion: "19" }]),
    expected: [`${F}:8:16: tenants[0].pgVersion: Postgres 19 is not offered by Neon; use one of 14, 15, 16, 17, 18`],
  },
  {
    rule: "autoscaling below 0.25 CU",
    text: fleetYaml([{ ...ACME, compute: "{ minCu: 0.1, maxCu: 1 }" }]),
    expected: [`${F}:8:23: tenants[0].compute.minCu: 0.1 is below 0.25; a compute size is a number from 0.25 to 16`],
  },
  {
    rule: "autoscaling above 16 CU",
    text: fleetYaml([{ ...ACME, compute: "{ minCu: 1, maxCu: 32 }" }]),
    expected: [`${F}:8:33: tenants[0].compute.maxCu: 32 is above 16; a compute size is a number from 0.25 to 16`],
  },
  {
    rule: "compute size between steps",
    text: fleetYaml([{ ...ACME, compute: "{ minCu: 0.75, maxCu: 2 }" }]),
    expected: [`${F}:8:23: tenants[0].compute.minCu: 0.75 is not a Neon compute size; use 0.25, 0.5 or a whole number from 1 to 16`],
  },
  {
    rule: "min above max",
    text: fleetYaml([{ ...ACME, compute: "{ minCu: 4, maxCu: 2 }" }]),
    expected: [`${F}:8:14: tenants[0].compute: minCu 4 is above maxCu 2; lower minCu or raise maxCu`],
  },
  {
    rule: "max − min above 8",
    text: fleetYaml([{ ...ACME, compute: "{ minCu: 1, maxCu: 10 }" }]),
    expected: [`${F}:8:14: tenants[0].compute: maxCu 10 − minCu 1 is 9 CU; Neon allows at most 8 CU between them, raise minCu or lower maxCu`],
  },
  {
    rule: "min above max where the values come from defaults is reported once, at defaults",
    text: fleetYaml([ACME, NORTHWIND], "defaults:\n  compute: { minCu: 4, maxCu: 2 }\n"),
    expected: [`${F}:3:12: defaults.compute: minCu 4 is above maxCu 2; lower minCu or raise maxCu`],
  },
  {
    rule: "suspend timeout Neon does not accept",
    text: fleetYaml([{ ...ACME, compute: "{ suspendAfterSeconds: 30 }" }]),
    expected: [`${F}:8:37: tenants[0].compute.suspendAfterSeconds: 30 is not accepted by Neon; use -1 (never), 0 (Neon's default) or 60 to 604800`],
  },
  {
    rule: "suspend timeout above a week",
    text: fleetYaml([{ ...ACME, compute: "{ suspendAfterSeconds: 700000 }" }]),
    expected: [`${F}:8:37: tenants[0].compute.suspendAfterSeconds: 700000 is above Neon's maximum; use -1 (never), 0 (Neon's default) or 60 to 604800`],
  },
  {
    rule: "suspend timeout below -1",
    text: fleetYaml([{ ...ACME, compute: "{ suspendAfterSeconds: -5 }" }]),
    expected: [`${F}:8:37: tenants[0].compute.suspendAfterSeconds: -5 is not accepted by Neon; use -1 (never), 0 (Neon's default) or 60 to 604800`],
  },
  {
    rule: "PITR window above 720 h",
    text: fleetYaml([{ ...ACME, historyRetentionHours: "1000" }]),
    expected: [
      `${F}:8:28: tenants[0].historyRetentionHours: 1000 is above 720; historyRetentionHours (the point-in-time restore window) is a number from 0 to 720`,
    ],
  },
  {
    rule: "PITR window below 0",
    text: fleetYaml([{ ...ACME, historyRetentionHours: "-1" }]),
    expected: [
      `${F}:8:28: tenants[0].historyRetentionHours: -1 is below 0; historyRetentionHours (the point-in-time restore window) is a number from 0 to 720`,
    ],
  },
  {
    rule: "cron with the wrong number of fields",
    text: fleetYaml([{ ...ACME, backup: '{ schedule: "3 * * *" }' }]),
    expected: [
      `${F}:8:25: tenants[0].backup.schedule: "3 * * *" is not a schedule GitHub runs: it has 4 fields; GitHub takes five: minute hour day-of-month month day-of-week; e.g. "17 3 * * *" (03:17 UTC daily)`,
    ],
  },
  {
    rule: "cron with an impossible value",
    text: fleetYaml([{ ...ACME, backup: '{ schedule: "17 25 * * *" }' }]),
    expected: [
      `${F}:8:25: tenants[0].backup.schedule: "17 25 * * *" is not a schedule GitHub runs: the hour field "25" is not 0–23; e.g. "17 3 * * *" (03:17 UTC daily)`,
    ],
  },
  {
    rule: "retention of 0 days",
    text: fleetYaml([{ ...ACME, backup: "{ retentionDays: 0 }" }]),
    expected: [`${F}:8:30: tenants[0].backup.retentionDays: 0 is below 1; retentionDays is a whole number from 1 to 3650`],
  },
  {
    rule: "retention above ten years",
    text: fleetYaml([{ ...ACME, backup: "{ retentionDays: 4000 }" }]),
    expected: [`${F}:8:30: tenants[0].backup.retentionDays: 4000 is above 3650; retentionDays is a whole number from 1 to 3650`],
  },
  {
    rule: "database names fixed to safe identifiers",
    text: fleetYaml([{ ...ACME, database: '{ name: "app; drop" }' }]),
    expected: [`${F}:8:23: tenants[0].database.name: "app; drop" is not allowed; a database name is a lowercase identifier (letters, digits, _), e.g. app`],
  },
];

describe("display names are data", () => {
  it.each(["Café & Co — Zürich", "Yahoo!", "E*TRADE", 'Toys"R"Us', "AT&T Inc.®", "ACME ${{ secrets.X }}; rm -rf /", "株式会社 三菱", "O'Brien <Ops> | #1"])(
    "accepts %s",
    (name) => {
      const r = parseTenants(fleetYaml([{ ...ACME, name: JSON.stringify(name) }]), "t.yaml");
      expect(r.problems).toEqual([]);
      expect(r.fleet!.tenants[0].name).toBe(name);
    },
  );

  it("warns when two names look alike (Cyrillic letters for Latin, accents), and only then", () => {
    expect(problemLines(fleetYaml([ACME, { ...NORTHWIND, name: "АСМЕ Corp" }]))).toEqual([
      'tenants.yaml:9:11: warning: tenants[1].name: "АСМЕ Corp" looks like tenants[0]\'s "ACME Corp"; if they are different customers, make the names easy to tell apart',
    ]);
    expect(
      problemLines(
        fleetYaml([
          { ...ACME, name: "Café Nord" },
          { ...NORTHWIND, name: "Cafe Nord" },
        ]),
      ),
    ).toHaveLength(1);
    expect(problemLines(fleetYaml([ACME, NORTHWIND]))).toEqual([]);
  });
});

describe("tenants file validation", () => {
  it.each(cases)("$rule", ({ text, expected, ctx }) => {
    const result = parseTenants(text, F, ctx);
    expect(
      result.problems.filter((p) => p.severity === "error").map((p) => `${p.file}:${p.line}:${p.col}: ${p.path ? `${p.path}: ` : ""}${p.message}`),
    ).toEqual(expected);
    expect(result.fleet).toBeUndefined();
  });

  it("reports every problem of a file at once, in file order", () => {
    const text = fleetYaml([
      { ...ACME, region: "aws-eu-west-1", pgVersoin: "17" },
      { ...NORTHWIND, id: "acme-corp", pgVersion: "13" },
    ]);
    expect(problemLines(text)).toEqual([
      `${F}:5:13: tenants[0].region: "aws-eu-west-1" is not a Neon region; use one of ${ACTIVE_LIST}`,
      `${F}:8:5: tenants[0].pgVersoin: unknown key "pgVersoin"; did you mean "pgVersion"?`,
      `${F}:9:9: tenants[1].id: duplicate id "acme-corp" (also tenants[0]); ids are unique and never reused`,
      `${F}:14:16: tenants[1].pgVersion: Postgres 13 is not offered by Neon; use one of 14, 15, 16, 17, 18`,
    ]);
  });

  it("warns, without failing, about schedules at the top of the hour", () => {
    const result = parseTenants(fleetYaml([{ ...ACME, backup: '{ schedule: "0 3 * * *" }' }]), F);
    expect(result.fleet).toBeDefined();
    expect(problemLines(fleetYaml([{ ...ACME, backup: '{ schedule: "0 3 * * *" }' }]))).toEqual([
      `${F}:8:25: warning: tenants[0].backup.schedule: "0 3 * * *" runs at minute 0; GitHub delays scheduled runs at the top of the hour, pick a minute such as 17`,
    ]);
  });
});

describe("files and derived names", () => {
  it("reports a missing file and a directory, naming the setting to fix", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "tf-files-"));
    expect(loadTenantsFile(path.join(dir, "nope.yaml"), {}, "tenants/nope.yaml").problems.map(formatProblem)).toEqual([
      "tenants/nope.yaml:1:1: cannot read the tenants file: the file does not exist; check tenant-fleet:tenantsFile in the stack settings (or --tenants)",
    ]);
    expect(loadTenantsFile(dir, {}, "tenants").problems.map(formatProblem)).toEqual([
      "tenants:1:1: cannot read the tenants file: it is a directory, not a file; check tenant-fleet:tenantsFile in the stack settings (or --tenants)",
    ]);
  });

  it("finds ids whose GitHub secret or environment names would collide or are reserved", () => {
    // The id pattern (lowercase, no "_") already keeps valid ids apart; the check guards the mapping itself.
    expect([...githubNameProblems(["acme-corp", "acme_corp", "Acme-Corp", "github-x"])]).toEqual([
      ["acme_corp", "the id collides with tenant acme-corp once turned into the GitHub names ACME_CORP_DATABASE_URL / tenant-acme_corp; choose a distinct id"],
      ["Acme-Corp", "the id collides with tenant acme-corp once turned into the GitHub names ACME_CORP_DATABASE_URL / tenant-Acme-Corp; choose a distinct id"],
      [
        "github-x",
        'the id would become the secret name GITHUB_X_DATABASE_URL, and GitHub reserves the GITHUB_ prefix; choose an id that does not start with "github-"',
      ],
    ]);
  });
});

describe("the resolved model", () => {
  const text = fleetYaml(
    [ACME, { ...NORTHWIND, pgVersion: "16", compute: "{ maxCu: 4 }", backup: "{ retentionDays: 30 }" }],
    'defaults:\n  historyRetentionHours: 48\n  compute: { minCu: 0.5 }\n  backup: { schedule: "41 2 * * *" }\n',
  );
  const fleet = parseTenants(text, F).fleet!;

  it("applies tenant, then defaults, then code defaults, field by field", () => {
    expect(fleet.tenants[0]).toEqual({
      ...ACME,
      pgVersion: 17,
      generation: 1,
      historyRetentionHours: 48,
      compute: { minCu: 0.5, maxCu: 2, suspendAfterSeconds: 300 },
      quota: {},
      backup: { schedule: "41 2 * * *", retentionDays: 14, enabled: true, timeoutMinutes: 60, snapshots: "off" },
      database: { branch: "main", name: "app", role: "app_owner" },
    });
    expect(fleet.tenants[1].pgVersion).toBe(16);
    expect(fleet.tenants[1].compute).toEqual({ minCu: 0.5, maxCu: 4, suspendAfterSeconds: 300 });
    expect(fleet.tenants[1].backup).toEqual({ schedule: "41 2 * * *", retentionDays: 30, enabled: true, timeoutMinutes: 60, snapshots: "off" });
  });

  it("is deeply frozen", () => {
    expect(Object.isFrozen(fleet)).toBe(true);
    expect(Object.isFrozen(fleet.tenants)).toBe(true);
    expect(Object.isFrozen(fleet.tenants[0].compute)).toBe(true);
    expect(() => {
      (fleet.tenants[0] as { region: string }).region = "aws-us-east-1";
    }).toThrow(TypeError);
  });
});
