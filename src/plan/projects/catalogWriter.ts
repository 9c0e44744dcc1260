/**
 * The fleet catalog's writer credential: the role the generated jobs record history with
 * (insert only). Its password is derived from the catalog owner's with HMAC-SHA256, so the
 * stack (which knows the owner's password from Neon) and `npm run catalog -- migrate`
 * (which connects as the owner) arrive at the same one without passing it around, and a
 * writer's password reveals nothing of the owner's. Resetting the owner's password in
 * Neon rotates the writer's at the next deploy.
 *
 * The writer is created with SQL, not through Neon's API: roles Neon creates are members
 * of neon_superuser, which may read and write every table.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes } from "node:crypto";

/** The role the generated jobs write history with: insert only, no update, delete or read. */
export const CATALOG_WRITER_ROLE = "tenant_fleet_writer";
/** The catalog's database on its project's default branch. */
export const CATALOG_DATABASE = "catalog";
/** The catalog's owning role (created by Neon with the project). */
export const CATALOG_OWNER_ROLE = "catalog_owner";
/** Bumping it rotates every writer's password. */
const DERIVATION = "tenant-fleet catalog writer v1";

/** The writer's password: 64 hex characters, the same for the same owner password. */
export function catalogWriterPassword(ownerPassword: string): string {
  if (!ownerPassword) throw new Error("internal: the catalog owner's password is empty");
  return createHmac("sha256", ownerPassword).update(DERIVATION).digest("hex");
}

/** The writer's connection string to the catalog's direct endpoint (TLS required). */
export function catalogWriterUrl(host: string, ownerPassword: string, database = CATALOG_DATABASE): string {
  const u = new URL(`postgresql://${host}`);
  u.username = CATALOG_WRITER_ROLE;
  u.password = catalogWriterPassword(ownerPassword);
  u.pathname = `/${database}`;
  u.searchParams.set("sslmode", "require");
  return u.toString();
}

/** The owner's password in a connection string, or why it has none. */
export function passwordOf(connectionString: string): string {
  let u: URL;
  try {
    u = new URL(connectionString);
  } catch {
    throw new Error("the catalog's connection string is not a URL (postgresql://user:password@host/database)");
  }
  if (!u.password) throw new Error("the catalog's connection string has no password, so the writer's cannot be derived from it");
  return decodeURIComponent(u.password);
}

/**
 * The SCRAM-SHA-256 verifier of a password, as Postgres stores it (RFC 5803's form): given
 * to CREATE ROLE … PASSWORD, the password itself never reaches the server or its logs.
 */
export function scramVerifier(password: string, salt: Buffer = randomBytes(16), iterations = 4096): string {
  const salted = pbkdf2Sync(password.normalize("NFKC"), salt, iterations, 32, "sha256");
  const clientKey = createHmac("sha256", salted).update("Client Key").digest();
  const storedKey = createHash("sha256").update(clientKey).digest();
  const serverKey = createHmac("sha256", salted).update("Server Key").digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString("base64")}$${storedKey.toString("base64")}:${serverKey.toString("base64")}`;
}
