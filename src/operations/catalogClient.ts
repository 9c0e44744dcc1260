/** The fleet catalog's connection for the commands that read or write it (catalog, status, tenant). */
import { Client } from "pg";
import { CommandError } from "../cli/cli";

/** The variable that names the catalog's connection string (its owner's). */
export const CATALOG_URL_VARIABLE = "CATALOG_DATABASE_URL";

/** Connected to the catalog CATALOG_DATABASE_URL names, or a CommandError that never quotes the string. */
export async function connectCatalog(): Promise<Client> {
  const url = process.env[CATALOG_URL_VARIABLE];
  if (!url)
    throw new CommandError(
      `${CATALOG_URL_VARIABLE} is not set: give the catalog owner's connection string (a stack with catalog: true has it: pulumi stack output --show-secrets catalogOwnerUrl)`,
    );
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 15_000 });
  try {
    await client.connect();
  } catch (err) {
    // The driver's message may quote the host; never the string itself.
    throw new CommandError(`cannot connect to the catalog (${CATALOG_URL_VARIABLE}): ${(err as Error).message.split("\n")[0]}`);
  }
  return client;
}
