/**
 * The dev/test project is seeded with test data only, never a copy of a tenant's
 * database. This refuses seed and preview settings that point at a tenant (its id,
 * secret or environment), at a database other than the one the workflow provides, or
 * that dump a database.
 *
 * What it promises: commands are read the way bash will run them (src/core/config/commands.ts),
 * so quoting, escapes, `$'…'`, `bash -c` and percent-encoded hosts do not hide a name, a
 * host or a dump tool, and what cannot be read without running it (command
 * substitution, `eval`, a shell fed from a pipe, inline code for another interpreter,
 * variables the workflow does not set) is refused rather than guessed at.
 * What it cannot promise: what a script or package script it calls does; that is the
 * application repository's code and its review. The boundary that holds regardless is
 * the workflows themselves: they reference no tenant secret and carry only the dev
 * project's own Neon key (src/plan/workflows/dev.ts).
 */
import type { Fleet } from "../../../tenants/model";
import type { Problem } from "../diagnostics/problems";
import { decodedWord, parseCommand } from "./commands";
import { locateKey, NAMESPACE, shorten, type SettingsSource, type StackSettings } from "./settings";
import { environmentName, repositorySecretName } from "../repositoryContract";

function mentions(text: string, word: string): boolean {
  return new RegExp(`(^|[^A-Za-z0-9_-])${word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}($|[^A-Za-z0-9_-])`, "i").test(text);
}

const DUMP_TOOLS = /(^|[^A-Za-z0-9_])(pg_dump(all)?|pg_basebackup|pg_receivewal|pg_recvlogical)($|[^A-Za-z0-9_])/;
/** The one connection the seed and preview commands may use, set by the workflow. */
const PROVIDED_URL = "${DATABASE_URL}";

function tenantReasons(text: string, fleet: Fleet): string[] {
  return fleet.tenants
    .filter((t) => mentions(text, repositorySecretName(t.id)) || mentions(text, environmentName(t.id)) || mentions(text, t.id))
    .map((t) => `it names tenant ${t.id}`);
}

/** Why a command (read as bash reads it) may reach a tenant's data. */
export function commandReasons(value: string, fleet: Fleet): string[] {
  const parsed = parseCommand(value);
  const words = parsed.words.map(decodedWord);
  const text = [value, ...words].join(" ");
  const why = tenantReasons(text, fleet);
  if (words.some((w) => w.includes("neon.tech"))) why.push("it names a Neon host; the workflow provides DATABASE_URL of the dev branch");
  const otherDatabase = words.some(
    (w, i) =>
      (/postgres(ql)?:\/\//.test(w) && !w.startsWith(PROVIDED_URL.toLowerCase())) ||
      /(^|\s)host\s*=/.test(w) ||
      /^pg(host|hostaddr|service|servicefile|database)=/.test(w) ||
      (["-h", "--host"].includes(w) && words[i + 1] !== undefined) ||
      w.startsWith("--host="),
  );
  if (otherDatabase) why.push("it connects to a database of its own; use $DATABASE_URL, which the workflow sets to the dev branch");
  if (words.some((w) => DUMP_TOOLS.test(w))) why.push("it dumps a database; seed from a test-data file or generator instead");
  if (parsed.opaque.length)
    why.push(`it cannot be checked without running it (${parsed.opaque.join("; ")}); call a script from the repository, whose review covers what it does`);
  return why;
}

export function devSeedProblems(settings: StackSettings, fleet: Fleet, source: SettingsSource): Problem[] {
  const dev = settings.devProject;
  if (!dev) return [];
  const checked: [string, string | undefined, (value: string) => string[]][] = [
    ["devSeedCommand", dev.seedCommand, (v) => commandReasons(v, fleet)],
    ["devPreviewCommand", dev.previewCommand, (v) => commandReasons(v, fleet)],
    ["devSetupCommand", dev.setupCommand, (v) => commandReasons(v, fleet)],
    ["devSeedFile", dev.seedFile, (v) => tenantReasons(decodedWord(v), fleet)],
  ];
  const out: Problem[] = [];
  for (const [key, value, reasons] of checked) {
    if (!value) continue;
    const why = reasons(value);
    if (!why.length) continue;
    const overridden = source.overridden?.has(key);
    out.push({
      severity: "error",
      file: overridden ? "--config" : source.file,
      ...(overridden ? { line: 1, col: 1 } : locateKey(source.text, key)),
      path: `${NAMESPACE}:${key}`,
      message: `${JSON.stringify(shorten(value))} is refused: ${[...new Set(why)].join("; ")}. The dev/test project holds test data only, never a tenant's`,
    });
  }
  return out;
}
