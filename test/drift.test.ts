/**
 * The drift classifier (src/review/drift/) on recorded previews in Pulumi's PreviewDigest shape
 * (test/fixtures/drift/: a night with drift of every kind, and a clean one), its table against
 * what the program registers, and bad input named with file, line and column.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, runProgram } from "./program";
import { InputError } from "../src/core/diagnostics/problems";
import { classifyPreview, DRIFT_TYPES } from "../src/review/drift/classify";
import { READS } from "../src/review/drift/cost";
import { parsePreview, type PreviewStep } from "../src/review/drift/preview";
import { driftMarkdown, nightIsClean } from "../src/review/drift/report";

const fixture = (name: string) => path.join(ROOT, "test/fixtures/drift", name);
const read = (name: string) => parsePreview(readFileSync(fixture(name), "utf8"), name);
const URN = "urn:pulumi:prod::tenant-fleet::tenant-fleet:index:TenantDatabase$";
const step = (op: string, type: string, name: string, detailed: Record<string, string> = {}): PreviewStep => ({
  op,
  urn: `${URN}${type}::${name}`,
  detailedDiff: Object.fromEntries(Object.entries(detailed).map(([k, kind]) => [k, { kind, inputDiff: false }])),
});

describe("classifyPreview on a recorded night with drift", () => {
  const c = classifyPreview(read("preview-drift.json"));

  it("names each difference once, the data-losing first, with what the next up would do", () => {
    expect(c.differences.map((d) => [d.class, d.op, d.name])).toEqual([
      ["loses data", "update", "backups-us-east-1-key"],
      ["loses data", "update", "backups-eu-west-2-lifecycle"],
      ["loses data", "replace", "northwind"],
      ["reverts", "update", "backups-eu-central-1-policy"],
      ["reverts", "create", "tenant-pacific-health"],
      ["reverts", "update", "acme-corp"],
    ]);
    expect([c.losesData, c.reverts, c.clean]).toEqual([3, 3, false]);
  });

  it("says why, from the properties that differ", () => {
    const by = Object.fromEntries(c.differences.map((d) => [d.name, d]));
    expect(by["northwind"].properties).toEqual(["pgVersion"]);
    expect(by["northwind"].why).toContain("holds tenant data");
    expect(by["backups-eu-west-2-lifecycle"].why).toContain("how long data is kept (rules[0].expiration.days)");
    expect(by["acme-corp"]).toMatchObject({ class: "reverts", properties: ["defaultEndpointSettings.autoscalingLimitMaxCu"] });
  });

  it("writes an issue body listing both classes, and the night is not clean", () => {
    const body = driftMarkdown({ stack: "prod", preview: c, observed: { rows: [], unowned: [], held: true } }, "https://github.com/o/r/actions/runs/7");
    expect(body).toContain("3 would lose data if reverted, 3 the next up reverts");
    expect(body.indexOf("Would lose data")).toBeLessThan(body.indexOf("reverts these"));
    expect(body).toContain("- **replace** `neon:index/project:Project` `northwind` (`pgVersion`)");
    expect(nightIsClean({ stack: "prod", preview: c, observed: { rows: [], unowned: [], held: true } })).toBe(false);
  });
});

describe("classifyPreview, rule by rule", () => {
  it("a clean night has no difference", () => {
    const c = classifyPreview(read("preview-clean.json"));
    expect([c.clean, c.differences]).toEqual([true, []]);
    expect(nightIsClean({ stack: "prod", preview: c, observed: { rows: [], unowned: [], held: true } })).toBe(true);
  });

  it.each([
    ["delete", "neon:index/branch:Branch", {}, "loses data"],
    ["delete", "neon:index/database:Database", {}, "loses data"],
    ["replace", "neon:index/role:Role", { name: "update-replace" }, "loses data"],
    ["replace", "aws:s3/bucket:Bucket", { bucketPrefix: "update-replace" }, "loses data"],
    ["delete", "aws:kms/key:Key", {}, "loses data"],
    ["create", "neon:index/project:Project", {}, "loses data"],
    ["update", "neon:index/project:Project", { historyRetentionSeconds: "update" }, "loses data"],
    ["update", "aws:s3/bucketVersioning:BucketVersioning", { "versioningConfiguration.status": "update" }, "loses data"],
    ["update", "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration", { "rule.defaultRetention.days": "update" }, "loses data"],
    ["replace", "neon:index/endpoint:Endpoint", { regionId: "update-replace" }, "reverts"],
    ["delete", "aws:iam/rolePolicy:RolePolicy", {}, "reverts"],
    ["update", "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret", { plaintextValue: "update" }, "reverts"],
    ["update", "aws:s3/bucket:Bucket", { tags: "update" }, "reverts"],
    ["update", "example:index/unknown:Thing", { x: "update" }, "loses data"],
  ] as const)("%s of %s (%j): %s", (op, type, detailed, expected) => {
    const c = classifyPreview({ steps: [step(op, type, "x", detailed)], diagnostics: [], changeSummary: {} });
    expect(c.differences.map((d) => d.class)).toEqual([expected]);
  });

  it("folds a replacement's halves into one replace, and ignores same, read and refresh steps and components", () => {
    const t = "neon:index/project:Project";
    const c = classifyPreview({
      steps: [
        step("create-replacement", t, "a"),
        step("delete-replaced", t, "a"),
        step("same", t, "b"),
        step("refresh", t, "c"),
        step("read", t, "d"),
        { op: "update", urn: "urn:pulumi:prod::tenant-fleet::tenant-fleet:index:TenantDatabase::a", detailedDiff: null },
      ],
      diagnostics: [],
      changeSummary: {},
    });
    expect(c.differences.map((d) => [d.op, d.name])).toEqual([["replace", "a"]]);
  });
});

describe("the drift table", () => {
  it.each([
    ["prod", []],
    ["prod", ["secretScope=repository"]],
    ["prod", ["secretScope=region", "backupObjectLock=governance"]],
    ["dev", []],
  ])(
    "names every resource type the program registers (%s %j): a new type must be classified",
    async (stack, overrides) => {
      const plan = await runProgram(stack, overrides);
      const types = new Set(plan.resources.map((r) => r.type).filter((t) => !t.startsWith("pulumi:") && !t.startsWith("tenant-fleet:")));
      expect([...types].filter((t) => !(t in DRIFT_TYPES))).toEqual([]);
      expect([...types].filter((t) => !(t in READS))).toEqual([]);
    },
    60_000,
  );
});

describe("parsePreview refuses what is not a preview's JSON", () => {
  const refusal = (text: string) => {
    try {
      parsePreview(text, "preview.json");
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      return (e as Error).message;
    }
    throw new Error("accepted");
  };

  it("names line and column of a syntax error and says what to give", () => {
    expect(refusal('{\n  "steps": [\n    {"op": "update",}\n  ]\n}')).toMatch(/^preview\.json:3:\d+: not JSON .*pulumi preview --json/);
  });

  it("names the field and its value", () => {
    const m = refusal('{\n  "steps": [\n    {"op": "update", "urn": "arn:aws:s3:::x"}\n  ]\n}');
    expect(m).toMatch(/^preview\.json:3:29: steps\[0\]\.urn: is "arn:aws:s3:::x", not a Pulumi URN/);
    expect(refusal('{"steps": [{"op": "update", "urn": "urn:pulumi:a::b::c::d", "detailedDiff": {"p": {"kind": "moved"}}}]}')).toContain(
      'steps[0].detailedDiff.p: is {"kind":"moved"}',
    );
  });

  it("escapes control characters in the value it shows", () => {
    expect(refusal('{"steps": 7, "x": "\\u001b[31m"}')).toContain("steps: is 7, not a list");
    expect(refusal('{"steps": [{"op": "\\u001b[2J", "urn": 5}]}')).toContain("steps[0].urn: is 5");
  });
});
