/**
 * The fleet catalog's commands, against the database CATALOG_DATABASE_URL names (its owner's
 * string: the catalog project's; never a tenant's).
 *
 *   npm run catalog -- migrate                       apply the catalog's schema migrations; create the writer role (password derived from the owner's)
 *   npm run catalog -- sync --stack S --outputs F    upsert the stack's tenants (F: pulumi stack output --json)
 *   npm run status [-- --json] [--target V] [--stack S]   the fleet (of one stack with --stack): versions, who is behind, failed, never migrated; last backup and drill
 */
import { readFileSync } from "node:fs";
import { CATALOG_URL_VARIABLE, connectCatalog } from "../src/operations/catalogClient";
import { CommandError, parseCommandLine, parseSubcommand, runMain, write } from "../src/cli/cli";
import { UsageError } from "../src/core/config/stackFiles";
import { passwordOf, catalogWriterPassword, CATALOG_WRITER_ROLE } from "../src/plan/projects/catalogWriter";
import { fleetStatus, migrateCatalog, renderStatus, syncTenants, tenantRecords, tenantsFromOutputs } from "../src/catalog/catalog";

const USAGE = [
  "usage: npm run catalog -- migrate",
  "       npm run catalog -- sync --stack S --outputs FILE   (FILE: pulumi stack output --json; - for stdin)",
  "       npm run status [-- --json] [--target VERSION] [--stack S]",
  `       with ${CATALOG_URL_VARIABLE} set to the catalog's connection string`,
].join("\n");

const COMMANDS = ["migrate", "sync", "status"] as const;

/** What each command takes: an option another command takes is unknown here (exit 2), not ignored. */
const OPTIONS = {
  migrate: {},
  sync: { stack: { type: "string" }, outputs: { type: "string" } },
  status: { stack: { type: "string" }, json: { type: "boolean", default: false }, target: { type: "string" } },
} as const;

async function main(argv: string[]): Promise<number> {
  const { command, rest } = parseSubcommand(argv, COMMANDS, USAGE);
  // Typed as every command's options: the ones this command does not take are refused, so they stay undefined.
  const args = parseCommandLine(rest, OPTIONS[command] as typeof OPTIONS.sync & typeof OPTIONS.status, USAGE);
  if (command === "sync" && (!args.stack || !args.outputs)) throw new UsageError(`sync needs --stack and --outputs\n${USAGE}`);
  let outputs: unknown;
  if (command === "sync") {
    try {
      outputs = JSON.parse(readFileSync(args.outputs === "-" ? 0 : args.outputs!, "utf8"));
    } catch (err) {
      throw new CommandError(`--outputs ${args.outputs}: not the JSON of pulumi stack output --json (${(err as Error).message.split("\n")[0]})`);
    }
  }
  let tenants: ReturnType<typeof tenantsFromOutputs> = [];
  try {
    if (command === "sync") tenants = tenantsFromOutputs(outputs);
  } catch (err) {
    throw new CommandError((err as Error).message);
  }
  let writerPassword: string | undefined;
  try {
    // The writer's password follows from the owner's (src/plan/projects/catalogWriter.ts), as the stack derives it.
    if (command === "migrate" && process.env[CATALOG_URL_VARIABLE]) writerPassword = catalogWriterPassword(passwordOf(process.env[CATALOG_URL_VARIABLE]));
  } catch (err) {
    throw new CommandError(`${CATALOG_URL_VARIABLE}: ${(err as Error).message}`);
  }
  const db = await connectCatalog();
  try {
    if (command === "migrate") {
      const applied = await migrateCatalog(db, undefined, writerPassword);
      await write(applied.length ? `applied ${applied.join(", ")}\n` : "the catalog's schema is current\n");
      await write(`the writer role ${CATALOG_WRITER_ROLE} may insert history, with the password the stack derives\n`);
    } else if (command === "sync") {
      const n = await syncTenants(db, args.stack!, tenants);
      await write(`${n} tenant(s) of stack ${args.stack} synced\n`);
    } else {
      const status = fleetStatus(await tenantRecords(db, args.stack), args.target);
      await write(args.json ? `${JSON.stringify(status, null, 2)}\n` : renderStatus(status));
    }
  } catch (err) {
    if (err instanceof CommandError) throw err;
    throw new CommandError(`the catalog said: ${(err as Error).message.split("\n")[0]}`);
  } finally {
    await db.end();
  }
  return 0;
}

runMain("tenant-fleet catalog", main);
