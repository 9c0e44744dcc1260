/**
 * A throwaway PostgreSQL cluster on loopback, from Debian's server packages: initdb into a
 * temporary directory, pg_ctl start on a free port, trust authentication (the suite tests
 * what the scripts do with a database, not libpq's password exchange). PostgreSQL refuses
 * to run as root, so as root the cluster runs as Debian's `postgres` user.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { freePort } from "./ports";

const PG_ROOT = "/usr/lib/postgresql";

/** The newest PostgreSQL major whose server and client tools are installed here. */
export function localPgMajor(): string | undefined {
  if (!existsSync(PG_ROOT)) return undefined;
  return readdirSync(PG_ROOT)
    .filter((d) => existsSync(path.join(PG_ROOT, d, "bin/postgres")) && existsSync(path.join(PG_ROOT, d, "bin/pg_dump")))
    .sort((a, b) => Number(a) - Number(b))
    .at(-1);
}

export interface PgCluster {
  readonly port: number;
  readonly major: string;
  readonly bin: string;
  /** Runs SQL as the superuser; returns psql's unaligned output. */
  sql(database: string, sql: string): string;
  /** A URL naming `host`, routed to this cluster by libpq's hostaddr. */
  url(database: string, user: string, host: string, password?: string): string;
  /** From now on `user` must give its password (SCRAM) to reach `database` over TCP; everyone else stays trusted. */
  requirePassword(database: string, user: string): void;
  stop(): void;
}

function asPostgres(cmd: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ["runuser", ["-u", "postgres", "--", cmd, ...args]] : [cmd, args];
}

export async function startPostgres(name: string): Promise<PgCluster> {
  const major = localPgMajor();
  if (!major) throw new Error("no PostgreSQL server here: .ci/run installs Debian's postgresql package (apt-get install postgresql)");
  const bin = path.join(PG_ROOT, major, "bin");
  const root = mkdtempSync(path.join(tmpdir(), `tf-pg-${name}-`));
  if (process.getuid?.() === 0)
    chownSync(root, Number(execFileSync("id", ["-u", "postgres"]).toString().trim()), Number(execFileSync("id", ["-g", "postgres"]).toString().trim()));
  const data = path.join(root, "data");
  const run = (cmd: string, args: string[]) => {
    const [c, a] = asPostgres(cmd, args);
    const r = spawnSync(c, a, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    if (r.status !== 0) throw new Error(`${path.basename(cmd)} failed for the ${name} cluster: ${r.stderr || r.stdout}`);
    return r.stdout;
  };
  run(path.join(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C"]);
  // pg_ctl takes a port number: another test file may take a free one first, so try again on a clash.
  let port = 0;
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    try {
      // wal_level=logical: a move by logical replication publishes from one database of the cluster to another (Neon: enableLogicalReplication).
      run(path.join(bin, "pg_ctl"), [
        "-D",
        data,
        "-l",
        path.join(root, `log-${attempt}`),
        "-w",
        "-o",
        `-c listen_addresses=127.0.0.1 -p ${port} -k ${root} -c fsync=off -c full_page_writes=off -c wal_level=logical`,
        "start",
      ]);
      break;
    } catch (e) {
      const log = existsSync(path.join(root, `log-${attempt}`)) ? readFileSync(path.join(root, `log-${attempt}`), "utf8") : "";
      if (attempt >= 5 || !/could not bind|Address already in use/.test(`${String(e)}${log}`)) throw e;
    }
  }
  const cluster: PgCluster = {
    port,
    major,
    bin,
    sql(database, sql) {
      const r = spawnSync(
        path.join(bin, "psql"),
        ["-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-d", database, "-c", sql],
        {
          encoding: "utf8",
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      if (r.status !== 0) throw new Error(`psql on ${name}/${database}: ${r.stderr}`);
      return r.stdout.trim();
    },
    url(database, user, host, password = "pw-not-checked") {
      return `postgresql://${user}:${password}@${host}:${port}/${database}?hostaddr=127.0.0.1&sslmode=disable`;
    },
    requirePassword(database, user) {
      const hba = path.join(data, "pg_hba.conf");
      writeFileSync(hba, `host ${database} ${user} 127.0.0.1/32 scram-sha-256\n${readFileSync(hba, "utf8")}`);
      cluster.sql("postgres", "select pg_reload_conf()");
    },
    stop() {
      try {
        run(path.join(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"]);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
  return cluster;
}
