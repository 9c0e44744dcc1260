// The operations' bash (src/operations/sh/, read by src/operations/scripts.ts and, for the
// dispatch workflows' steps, workflows.ts): every file is used, every constant the module declares reaches a script that names it as an input, the
// composed move scripts parse, and the plain export encrypts as the vault requires.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { shellInputs } from "../src/core/shellFile";
import {
  catchUpScript,
  copyCompareScript,
  eraseListingScript,
  eraseVersionsScript,
  MOVE_SCRIPT_ENV,
  OPERATION_SCRIPT_DIR,
  PLAIN_EXPORT_ENV,
  plainExportScript,
  replicateScript,
  SINGLE_PUT_LIMIT_BYTES,
  vaultTopLevelScript,
} from "../src/operations/scripts";

const inputs = (name: string) => shellInputs(OPERATION_SCRIPT_DIR, name);
const MOVE_STEPS = ["move-copy.sh", "move-replicate.sh", "move-catch-up.sh"];

describe("the operations' scripts", () => {
  it("uses every .sh file of src/operations/sh, and each parses as bash", () => {
    const used = ["scripts.ts", "workflows.ts", "signupWorkflow.ts", "driftWorkflow.ts"]
      .map((f) => readFileSync(path.join(__dirname, "../src/operations", f), "utf8"))
      .join("\n");
    for (const file of readdirSync(OPERATION_SCRIPT_DIR).filter((f) => f.endsWith(".sh"))) expect(used, file).toContain(`"${file}"`);
    for (const text of [
      eraseListingScript(),
      vaultTopLevelScript(),
      eraseVersionsScript(),
      plainExportScript(),
      copyCompareScript(),
      replicateScript(),
      catchUpScript(),
    ]) {
      const r = spawnSync("bash", ["-n"], { input: text, encoding: "utf8" });
      expect(r.status, r.stderr).toBe(0);
    }
  });

  it("each move step starts with the shared prelude, which sets up what the step uses", () => {
    for (const script of [copyCompareScript(), replicateScript(), catchUpScript()]) {
      expect(script.startsWith("set -euo pipefail\n")).toBe(true);
      expect(script).toMatch(/\non_source\(\) \{/);
    }
    expect(copyCompareScript()).toContain("compared 'the copy'");
    expect(catchUpScript()).toContain("compared 'the catch-up'");
  });

  it("every constant the module passes is an input a script names (none goes nowhere)", () => {
    const moveInputs = new Set(["move-prelude.sh", ...MOVE_STEPS].flatMap(inputs));
    for (const name of Object.keys(MOVE_SCRIPT_ENV)) expect(moveInputs, name).toContain(name);
    for (const name of Object.keys(PLAIN_EXPORT_ENV)) expect(inputs("plain-export.sh"), name).toContain(name);
    expect(MOVE_SCRIPT_ENV.USER_TABLES_SQL).toMatch(/^from pg_class c join pg_namespace n /);
    expect(PLAIN_EXPORT_ENV.SINGLE_PUT_LIMIT_BYTES).toBe(String(5 * 1024 ** 3));
  });
});

/**
 * The plain export against stand-ins for the AWS CLI and pg_restore that log their arguments:
 * `aws s3api get-object … OUTFILE` writes the outfile (the CLI's last positional argument is
 * where the object goes, https://docs.aws.amazon.com/cli/latest/reference/s3api/get-object.html),
 * and `pg_restore --file=F` writes F.
 */
function plainExport(env: Record<string, string>): { code: number | null; out: string; aws: string[] } {
  const dir = mkdtempSync(path.join(tmpdir(), "tf-plain-"));
  const bin = path.join(dir, "bin");
  mkdirSync(bin);
  const log = path.join(dir, "aws.log");
  writeFileSync(path.join(bin, "aws"), `#!/usr/bin/env bash\necho "$*" >> "${log}"\nif [ "$2" = get-object ]; then echo dump > "\${@: -1}"; fi\n`);
  writeFileSync(
    path.join(bin, "pg_restore"),
    '#!/usr/bin/env bash\nfor a in "$@"; do case "$a" in --file=*) printf "create table t ();\\n" > "${a#--file=}";; esac; done\n',
  );
  chmodSync(path.join(bin, "aws"), 0o755);
  chmodSync(path.join(bin, "pg_restore"), 0o755);
  const script = plainExportScript().replace('bin="/usr/lib/postgresql/${PG_MAJOR}/bin"', `bin="${bin}"`);
  expect(script).toContain(`bin="${bin}"`);
  const r = spawnSync("bash", ["--noprofile", "--norc", "-c", script], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      PATH: `${bin}:${process.env.PATH}`,
      ...PLAIN_EXPORT_ENV,
      EXPORT_BUCKET: "tf-vault",
      DUMP_KEY: "exports/acme/x.dump",
      PLAIN_KEY: "exports/acme/x.sql",
      PG_MAJOR: "18",
      RESULT_FILE: path.join(dir, "results"),
      RUNNER_TEMP: dir,
      ...env,
    },
  });
  let aws: string[] = [];
  try {
    aws = readFileSync(log, "utf8").trim().split("\n");
  } catch {
    // no call
  }
  return { code: r.status, out: r.stdout + r.stderr, aws };
}

describe("the plain export (sh/plain-export.sh)", () => {
  it("puts the SQL with the vault's KMS key in a KMS vault, as a new object only", () => {
    const r = plainExport({ BACKUP_ENCRYPTION: "kms", BACKUP_KMS_KEY: "arn:aws:kms:eu-central-1:111122223333:key/k-1" });
    expect(r.code, r.out).toBe(0);
    expect(r.aws[1]).toMatch(
      /^s3api put-object --bucket tf-vault --key exports\/acme\/x\.sql --body \S+\/export\.sql --content-type application\/sql --if-none-match \* --server-side-encryption aws:kms --ssekms-key-id arn:aws:kms:eu-central-1:111122223333:key\/k-1$/,
    );
    expect(r.out).toContain("wrote the plain SQL export s3://tf-vault/exports/acme/x.sql (19 bytes)");
  });

  it("puts it with S3's own keys (AES256) in an S3-encrypted vault, where no KMS key is given", () => {
    const r = plainExport({ BACKUP_ENCRYPTION: "s3" });
    expect(r.code, r.out).toBe(0);
    expect(r.aws[1]).toMatch(/--if-none-match \* --server-side-encryption AES256$/);
  });

  it("refuses an encryption it does not know before reading anything", () => {
    const r = plainExport({ BACKUP_ENCRYPTION: "aes" });
    expect([r.code, r.aws]).toEqual([1, []]);
    expect(r.out).toContain('::error::BACKUP_ENCRYPTION is "aes": kms or s3');
  });

  it("refuses SQL larger than one PUT takes, naming the custom dump to hand over, and uploads nothing", () => {
    const r = plainExport({ BACKUP_ENCRYPTION: "s3", SINGLE_PUT_LIMIT_BYTES: "10" });
    expect(SINGLE_PUT_LIMIT_BYTES).toBe(5 * 1024 ** 3);
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      "::error::the plain SQL export is 19 bytes, more than S3 takes in one upload; hand over the custom-format dump (exports/acme/x.dump) instead",
    );
    expect(r.aws).toEqual([expect.stringMatching(/^s3api get-object /)]);
  });
});
