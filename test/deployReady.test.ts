/**
 * deploy.yml's readiness report (src/operations/sh/deploy-ready.sh, docs/signup.md): the
 * tenants an update created, told to the application as a commit status on the deployed
 * commit and a repository_dispatch to its repository. Run under bash as the up jobs run it,
 * with stand-ins for the two tools it calls:
 * - `pulumi stack output --stack S --json NAME` prints the output as JSON, and fails with
 *   "current stack does not have output property" when the stack has none yet
 *   (https://www.pulumi.com/docs/iac/cli/commands/pulumi_stack_output/);
 * - `gh api --method POST PATH -f k=v | --input -` sends a request and prints the answer;
 *   it reads its token from GH_TOKEN (https://cli.github.com/manual/gh_api,
 *   https://cli.github.com/manual/gh_help_environment). Each call is recorded with the
 *   token it held and its body.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ROOT } from "./program";
import type { Workflow } from "./ciTrust";
import { DEPLOY_SCRIPTS } from "../src/operations/scripts";
import { READY_DISPATCH_EVENT, READY_STATUS_PREFIX } from "../src/core/repositoryContract";

const deploy = parse(readFileSync(path.join(ROOT, ".github/workflows/deploy.yml"), "utf8")) as Workflow;
const SCRIPT = path.join(ROOT, "src/operations/sh", DEPLOY_SCRIPTS.ready);
const SHA = "a".repeat(40);

type Outputs = Record<string, { credential: unknown }> | "missing" | "broken";

/** A runner: pulumi answers `outputs` (switched between before and after), gh records and answers. */
function runner(opts: { ghFails?: string } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), "tf-ready-"));
  mkdirSync(path.join(dir, "bin"));
  writeFileSync(
    path.join(dir, "bin/pulumi"),
    [
      "#!/usr/bin/env bash",
      'if [ "$1" = login ]; then exit 0; fi',
      `state="$(cat "${dir}/outputs")"`,
      'if [ "${state}" = missing ]; then echo "error: current stack does not have output property \'databasesByTenant\'" >&2; exit 255; fi',
      'if [ "${state}" = broken ]; then echo "error: failed to load checkpoint: access denied" >&2; exit 255; fi',
      'printf "%s\\n" "${state}"',
    ].join("\n"),
    { mode: 0o755 },
  );
  writeFileSync(
    path.join(dir, "bin/gh"),
    [
      "#!/usr/bin/env bash",
      'body=""',
      'if [[ " $* " == *" --input - "* ]]; then body="$(cat)"; fi',
      `printf '%s\\t%s\\t%s\\n' "\${GH_TOKEN}" "$*" "\${body}" >> "${dir}/gh.log"`,
      opts.ghFails ? `if [[ "$*" == *"${opts.ghFails}"* ]]; then echo "HTTP 403: Resource not accessible by integration" >&2; exit 1; fi` : "",
      "echo '{}'",
    ].join("\n"),
    { mode: 0o755 },
  );
  const step = (job: string, id: string) => deploy.jobs[job].steps.find((s) => s.id === id)!;
  const run = (mode: "before" | "after", outputs: Outputs) => {
    writeFileSync(path.join(dir, "outputs"), typeof outputs === "string" ? outputs : JSON.stringify(outputs));
    const env = mode === "before" ? step("up-prod", "before").env! : step("up-prod", "ready").env!;
    const r = spawnSync("bash", ["--noprofile", "--norc", SCRIPT, mode], {
      encoding: "utf8",
      env: {
        PATH: `${path.join(dir, "bin")}:${process.env.PATH}`,
        STACK: "prod",
        PULUMI_BACKEND_URL: "",
        RECORD: path.join(dir, "tenants-before.json"),
        STATUS_PREFIX: env.STATUS_PREFIX ?? "",
        DISPATCH_EVENT: env.DISPATCH_EVENT ?? "",
        APP_REPOSITORY: "example-saas/app",
        GH_TOKEN: "github-token",
        APP_TOKEN: "app-token",
        GITHUB_REPOSITORY: "example-saas/tenant-fleet",
        GITHUB_SHA: SHA,
        GITHUB_SERVER_URL: "https://github.com",
        GITHUB_RUN_ID: "4242",
      },
    });
    expect(r.status, r.stderr).toBe(0);
    return r.stdout;
  };
  const calls = () =>
    existsSync(path.join(dir, "gh.log"))
      ? readFileSync(path.join(dir, "gh.log"), "utf8")
          .trim()
          .split("\n")
          .map((l) => l.split("\t"))
      : [];
  return { run, calls };
}

const cred = { credential: { scope: "environment" } };

describe("deploy.yml's readiness steps", () => {
  it("record the tenants before pulumi up and report after the catalog sync, in both up jobs, with the declared names", () => {
    for (const job of ["up-dev", "up-prod"]) {
      const steps = deploy.jobs[job].steps;
      const index = (test: (s: (typeof steps)[number]) => boolean) => steps.findIndex(test);
      const up = index((s) => !!s.uses?.startsWith("pulumi/actions@"));
      expect(
        index((s) => s.id === "before"),
        job,
      ).toBe(up - 1);
      expect(
        index((s) => s.id === "ready"),
        job,
      ).toBe(steps.length - 1);
      expect(steps.at(-1)!.run!.trim()).toBe(`bash src/operations/sh/${DEPLOY_SCRIPTS.ready} after`);
      expect(steps[up - 1].run!.trim()).toBe(`bash src/operations/sh/${DEPLOY_SCRIPTS.ready} before`);
      expect(steps.at(-1)!.env).toMatchObject({
        STATUS_PREFIX: READY_STATUS_PREFIX,
        DISPATCH_EVENT: READY_DISPATCH_EVENT,
        GH_TOKEN: "${{ github.token }}",
        APP_TOKEN: "${{ steps.app.outputs.token }}",
        APP_REPOSITORY: "${{ matrix.githubOwner }}/${{ matrix.githubRepository }}",
      });
      expect(steps.at(-1)!.env!.RECORD).toBe(steps[up - 1].env!.RECORD);
      // The status needs statuses: write, in the up jobs only.
      expect(deploy.jobs[job].permissions!.statuses, job).toBe("write");
    }
    for (const job of ["stacks", "test", "fast-path"]) expect(deploy.jobs[job].permissions!.statuses, job).toBeUndefined();
  });
});

describe("deploy-ready.sh", () => {
  it("tells the application about the tenants the update created: a status on the commit, a dispatch with the App's token", () => {
    const { run, calls } = runner();
    run("before", { "acme-corp": cred, "old-mill": { credential: null } });
    const out = run("after", { "acme-corp": cred, "old-mill": { credential: null }, "zeta-labs": cred, "beta-works": cred });
    expect(out).toContain(`${READY_STATUS_PREFIX}/prod on ${SHA}: ready: beta-works, zeta-labs`);
    const [status, dispatch] = calls();
    expect(status[0]).toBe("github-token");
    expect(status[1]).toBe(
      `api --method POST repos/example-saas/tenant-fleet/statuses/${SHA} -f state=success -f context=${READY_STATUS_PREFIX}/prod -f description=ready: beta-works, zeta-labs -f target_url=https://github.com/example-saas/tenant-fleet/actions/runs/4242`,
    );
    expect(dispatch[0]).toBe("app-token");
    expect(dispatch[1]).toBe("api --method POST repos/example-saas/app/dispatches --input -");
    expect(JSON.parse(dispatch[2])).toEqual({
      event_type: READY_DISPATCH_EVENT,
      client_payload: {
        stack: "prod",
        tenants: ["beta-works", "zeta-labs"],
        sha: SHA,
        repository: "example-saas/tenant-fleet",
        run: "https://github.com/example-saas/tenant-fleet/actions/runs/4242",
      },
    });
  });

  it("says nothing when the update created no tenant (a change, a retirement)", () => {
    const { run, calls } = runner();
    run("before", { "acme-corp": cred, "old-mill": cred });
    expect(run("after", { "acme-corp": cred, "old-mill": { credential: null } })).toContain("the update created no tenant");
    expect(calls()).toEqual([]);
  });

  it("counts every tenant of a stack deployed for the first time, and none when the state could not be read before", () => {
    const first = runner();
    first.run("before", "missing");
    first.run("after", { "acme-corp": cred });
    expect(first.calls().map((c) => c[1].split(" ")[3])).toEqual(["repos/example-saas/tenant-fleet/statuses/" + SHA, "repos/example-saas/app/dispatches"]);
    const unknown = runner();
    expect(unknown.run("before", "broken")).toContain("::warning::the tenants before the update could not be read");
    expect(unknown.run("after", { "acme-corp": cred })).toContain("::warning::no record of the tenants before the update");
    expect(unknown.calls()).toEqual([]);
  });

  it("never fails the deploy: a refused status or dispatch is a warning", () => {
    const { run, calls } = runner({ ghFails: "statuses" });
    run("before", {});
    const out = run("after", { "zeta-labs": cred });
    expect(out).toContain(`::warning::the commit status ${READY_STATUS_PREFIX}/prod could not be posted`);
    expect(out).toContain(`${READY_DISPATCH_EVENT} sent to example-saas/app`);
    expect(calls()).toHaveLength(2);
  });

  it("shortens the description to the 140 characters a status holds", () => {
    const { run, calls } = runner();
    run("before", {});
    const many = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`tenant-number-${String(i).padStart(2, "0")}`, cred]));
    run("after", many);
    const description = /-f description=(.*) -f target_url/.exec(calls()[0][1])![1];
    expect([...description].length).toBeLessThanOrEqual(140);
    expect(description).toMatch(/^ready: tenant-number-00, .*… \(30 tenants\)$/);
    expect(JSON.parse(calls()[1][2]).client_payload.tenants).toHaveLength(30);
  });
});
