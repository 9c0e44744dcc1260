/**
 * What the flows of `npm run tenant` (scripts/tenant.ts) share around a plan: the fleet
 * catalog's facts (the dumps and runs for a restore, who serves for a finished move), the
 * stack's outputs (--outputs: project ids, vaults), and carrying an operation out with its
 * record (the --record file, then the catalog's operations table).
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { CommandError, write, writeOutputFile } from "../cli/cli";
import { insertOperation, restoreFacts, servingFacts, type RestoreFacts, type ServingFacts } from "../catalog/catalog";
import { OPERATION_RECORD_FORMAT, requesterOf, runOf, type OperationKind, type OperationRecord } from "../catalog/record";
import type { StackSettings } from "../core/config/settings";
import type { Tenant } from "../../tenants/model";
import { CATALOG_URL_VARIABLE, connectCatalog } from "./catalogClient";
import { stackFactsOf, type StackFacts } from "./tenantOperations";

/** The catalog's facts for a restore, or undefined without a catalog. */
export async function catalogFacts(tenant: Tenant, to: string, quiet: boolean): Promise<RestoreFacts | undefined> {
  if (!process.env[CATALOG_URL_VARIABLE]) {
    if (!quiet)
      process.stderr.write("no fleet catalog (CATALOG_DATABASE_URL unset): the dumps are unknown, so only a restore inside the window can be planned\n");
    return undefined;
  }
  const run = /^before-migration:(\d+)$/.exec(to)?.[1];
  return readCatalog((db) => restoreFacts(db, tenant.id, run === undefined ? undefined : Number(run)));
}

/** One read of the fleet catalog, its failure a one-line error of the command. */
async function readCatalog<T>(read: (db: Awaited<ReturnType<typeof connectCatalog>>) => Promise<T>): Promise<T> {
  const db = await connectCatalog();
  try {
    return await read(db);
  } catch (err) {
    throw new CommandError(`the fleet catalog (${CATALOG_URL_VARIABLE}): ${(err as Error).message.split("\n")[0]}`);
  } finally {
    await db.end().catch(() => undefined);
  }
}

export function readOutputs(file: string | undefined, tenant: Tenant, awsRegion: string): StackFacts {
  if (!file) return {};
  let outputs: unknown;
  try {
    outputs = JSON.parse(readFileSync(file === "-" ? 0 : file, "utf8"));
  } catch (err) {
    throw new CommandError(`--outputs ${file}: not the JSON of pulumi stack output --json (${(err as Error).message.split("\n")[0]})`);
  }
  return stackFactsOf(outputs, tenant.id, awsRegion);
}

export function bucketOf(facts: StackFacts, awsRegion: string): string {
  if (!facts.bucket)
    throw new CommandError(`the vault of ${awsRegion} is not known: pass --outputs FILE (pulumi stack output --json > FILE), whose backupVaults names it`);
  return facts.bucket;
}

/**
 * Carries out an operation and records it whatever happens: the record file, then the
 * catalog. A failure to record is a failure of the command (the file still holds it).
 */
export async function carryOut(
  kind: OperationKind,
  tenant: Tenant,
  settings: StackSettings,
  ticket: string,
  plan: unknown,
  recordFile: string | undefined,
  work: () => Promise<Record<string, unknown>>,
): Promise<number> {
  const startedAt = new Date().toISOString();
  let detail: Record<string, unknown> = {};
  let error: string | undefined;
  try {
    detail = await work();
  } catch (err) {
    if (!(err instanceof CommandError)) throw err;
    error = (err as Error).message;
  }
  const run = runOf(process.env);
  const record: OperationRecord = {
    format: OPERATION_RECORD_FORMAT,
    kind,
    tenant: tenant.id,
    stack: settings.stack,
    ticket,
    requestedBy: requesterOf(process.env),
    ...(run ? { run } : {}),
    result: error ? "failed" : "ok",
    plan,
    detail,
    ...(error ? { error } : {}),
    startedAt,
    finishedAt: new Date().toISOString(),
  };
  if (recordFile) writeOutputFile(path.resolve(process.env.INIT_CWD ?? process.cwd(), recordFile), `${JSON.stringify(record, null, 2)}\n`);
  let recorded = "no fleet catalog: recorded in the file only";
  if (process.env[CATALOG_URL_VARIABLE]) {
    const db = await connectCatalog();
    try {
      await insertOperation(db, record);
      recorded = "recorded in the fleet catalog";
    } catch (err) {
      throw new CommandError(
        `the ${kind} of ${tenant.id} ${record.result === "ok" ? "was done" : "failed"} but the fleet catalog refused its record: ${(err as Error).message.split("\n")[0]}${recordFile ? `; the record is in ${recordFile}` : ""}`,
      );
    } finally {
      await db.end().catch(() => undefined);
    }
  }
  if (error) {
    process.stderr.write(`${error}\n${recorded}\n`);
    return 1;
  }
  await write(`${kind} of ${tenant.id} done: ${JSON.stringify(detail)}\n${recorded}${recordFile ? `; record: ${recordFile}` : ""}\n`);
  return 0;
}

/** The catalog's record of who serves the tenant, or undefined without a catalog. */
export async function catalogServing(tenant: Tenant): Promise<ServingFacts | undefined> {
  return process.env[CATALOG_URL_VARIABLE] ? readCatalog((db) => servingFacts(db, tenant.id)) : undefined;
}
