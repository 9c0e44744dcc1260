/**
 * The backup step's failure path, run under bash with the real pg_dump and libpq of this
 * machine: whatever is wrong with a tenant's connection string, the log names the tenant
 * and the secret and never prints a value from it (only the ::add-mask:: command, which
 * the runner consumes, carries the password).
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { renderWorkflows } from "../src/plan/workflows/render";
import { backupScript, backupScriptEnv } from "../src/plan/workflows/backupScripts";
import { parseTenants } from "../tenants/load";
import { ACME, fleetYaml } from "./helpers";

const PG_ROOT = "/usr/lib/postgresql";
const major = existsSync(PG_ROOT)
  ? readdirSync(PG_ROOT)
      .filter((d) => existsSync(path.join(PG_ROOT, d, "bin/pg_dump")))
      .sort()
      .at(-1)
  : undefined;

const fleet = parseTenants(fleetYaml([ACME]), "t.yaml").fleet!;
const backup = renderWorkflows(fleet.tenants, {
  scope: "repository",
  encryption: "kms",
  branch: "main",
  source: "t.yaml",
  restoreDrillSchedule: "41 4 * * 1",
}).find((w) => w.kind === "backup")!;
// Each tenant's script, as the batch step writes it out and runs it (src/plan/workflows/batchScripts.ts).
const batchStep = (parse(backup.content).jobs.backup as { steps: { name: string; run: string }[] }).steps.find(
  (s) => s.name === "Dump, check and upload each tenant",
)!;
const jobEnv = parse(backup.content).jobs.backup.env as Record<string, string>;
// The constants the script reads, as the generated job's env holds them.
const step = { run: backupScript(), env: Object.fromEntries(Object.keys(backupScriptEnv("kms")).map((k) => [k, String(jobEnv[k])])) };

/** The host part of a URL-form string, as the stack would expect it (none for a key=value string). */
const hostOf = (url: string) =>
  url.startsWith("postgresql://") ? url.replace(/^[^@]*@/, "").replace(/[:/?].*$/, "") : "ep-cool-lab-a1b2.eu-central-1.aws.neon.tech";

function runStep(databaseUrl: string, bin?: string, extraPath = ""): { code: number | null; out: string } {
  const temp = mkdtempSync(path.join(tmpdir(), "tf-backup-"));
  const script = bin ? step.run.replace('bin="/usr/lib/postgresql/${PG_MAJOR}/bin"', `bin="${bin}"`) : step.run;
  const r = spawnSync("bash", ["--noprofile", "--norc", "-c", script], {
    encoding: "utf8",
    // stdin not a socket: Debian's bash would read ~/.bashrc as if run by sshd.
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...step.env,
      PATH: `${extraPath}${process.env.PATH}`,
      EXPECTED_DB_HOST: hostOf(databaseUrl),
      MANIFEST: ".github/tenant-fleet/tenant-fleet.json",
      BACKUP_PART_BYTES: "5242880",
      DATABASE_URL: databaseUrl,
      SECRET_LABEL: "secret ACME_CORP_DATABASE_URL",
      TENANT_ID: "acme-corp",
      PG_MAJOR: major ?? "15",
      RETENTION_DAYS: "14",
      RUNNER_TEMP: temp,
      BACKUP_BUCKET: "b",
      BACKUP_KMS_KEY: "k",
    },
  });
  return { code: r.status, out: r.stdout + r.stderr };
}

/** Output lines other than the mask command, which the runner swallows. */
const shown = (out: string) =>
  out
    .split("\n")
    .filter((l) => !l.startsWith("::add-mask::"))
    .join("\n");

it("is the script the generated backup job runs for each tenant", () => {
  expect(batchStep.run).toContain(`\n${step.run}\nTENANT_FLEET_TENANT_SCRIPT\n`);
});

describe.runIf(major)(`the backup step's pg_dump failures (PostgreSQL ${major} client)`, () => {
  it.each([
    [
      "a malformed option",
      "postgresql://acme_owner:Pw-7hQ2x-secret@ep-cool-lab-a1b2.eu-central-1.aws.neon.tech/acme_db?sslmode=bogus",
      "it does not hold a valid connection string",
    ],
    [
      "an impossible port",
      "postgresql://acme_owner:Pw-7hQ2x-secret@ep-cool-lab-a1b2.example:99999999999/acme_db",
      "it does not hold a valid connection string",
    ],
    ["a host that does not resolve", "postgresql://acme_owner:Pw-7hQ2x-secret@ep-cool-lab-a1b2.invalid/acme_db", "its host name does not resolve"],
    ["a server that is not there", "postgresql://acme_owner:Pw-7hQ2x-secret@127.0.0.1:1/acme_db", "its server did not answer"],
  ])("%s: names the tenant and the secret, prints nothing of the string", (_, url, reason) => {
    const { code, out } = runStep(url);
    expect(code).toBe(1);
    expect(out).toContain(`::error::psql could not back up acme-corp with the connection string in secret ACME_CORP_DATABASE_URL: ${reason}`);
    for (const part of ["Pw-7hQ2x-secret", "acme_owner", "ep-cool-lab-a1b2", "acme_db", "127.0.0.1", "host-acme"]) expect(shown(out)).not.toContain(part);
    // The password is masked before pg_dump runs, when the string has one in URL form.
    if (url.startsWith("postgresql://")) expect(out.indexOf("::add-mask::Pw-7hQ2x-secret")).toBeLessThan(out.indexOf("::error::"));
  });

  it("refuses a string for another database than the stack created, before connecting", () => {
    const { code, out } = runStep("host-acme password=Pw-7hQ2x-secret user");
    expect(code).toBe(1);
    expect(shown(out).trim()).toBe(
      "::error::the connection string in secret ACME_CORP_DATABASE_URL does not point at the database the stack created for acme-corp (host ep-cool-lab-a1b2.eu-central-1.aws.neon.tech); it may hold another tenant's string. pulumi up writes the right one",
    );
  });

  it("names a missing secret instead of failing on a socket", () => {
    const { code, out } = runStep("");
    expect(code).toBe(1);
    expect(out.trim()).toBe(
      "::error::secret ACME_CORP_DATABASE_URL is empty or missing for acme-corp: pulumi up writes it, and only runs of the default branch can read it",
    );
  });
});

describe("an unforeseen pg_dump message", () => {
  it("is shown with every part of the connection string cut out", () => {
    const bin = mkdtempSync(path.join(tmpdir(), "tf-pgbin-"));
    mkdirSync(bin, { recursive: true });
    // psql exports a snapshot (the session that holds it stays open) and counts in it; aws
    // starts the upload; then pg_dump fails with a message that quotes the host, user,
    // database and password back.
    writeFileSync(
      path.join(bin, "psql"),
      "#!/bin/sh\ncase \"$*\" in *snapshot=*) printf 'server\\t170002\\npublic.t\\t5\\n';; *) echo 00000003-0000001B-1; exec cat > /dev/null;; esac\n",
    );
    writeFileSync(path.join(bin, "aws"), "#!/bin/sh\necho upload-id\n");
    for (const tool of ["psql", "aws"]) chmodSync(path.join(bin, tool), 0o755);
    writeFileSync(
      path.join(bin, "pg_dump"),
      '#!/bin/sh\necho "pg_dump: error: query failed on ep-cool-lab-a1b2.eu-central-1.aws.neon.tech for acme_owner in acme_db (auth Pw-7hQ2x-secret)" >&2\nexit 1\n',
    );
    chmodSync(path.join(bin, "pg_dump"), 0o755);
    const { code, out } = runStep(
      "postgresql://acme_owner:Pw-7hQ2x-secret@ep-cool-lab-a1b2.eu-central-1.aws.neon.tech:5432/acme_db?sslmode=require&channel_binding=require",
      bin,
      `${bin}:`,
    );
    expect(code).toBe(1);
    expect(shown(out).trim()).toBe(
      "::error::pg_dump could not back up acme-corp with the connection string in secret ACME_CORP_DATABASE_URL: exit 1: pg_dump: error: query failed on [from the secret] for [from the secret] in [from the secret] (auth [from the secret])",
    );
  });
});
