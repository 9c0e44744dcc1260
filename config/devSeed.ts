/**
 * The dev/test project is seeded with test data only, never a copy of a tenant's
 * database. This refuses seed settings that point at a tenant (its id, secret or
 * environment), at a literal Neon host, or that dump a database.
 */
import type { Fleet } from "../tenants/model";
import { environmentName, repositorySecretName } from "../tenants/naming";
import type { Problem } from "../tenants/problems";
import { locateKey, NAMESPACE, type SettingsSource, type StackSettings } from "./settings";

function mentions(text: string, word: string): boolean {
  return new RegExp(`(^|[^A-Za-z0-9_-])${word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}($|[^A-Za-z0-9_-])`, "i").test(text);
}

export function devSeedProblems(settings: StackSettings, fleet: Fleet, source: SettingsSource): Problem[] {
  const dev = settings.devProject;
  if (!dev) return [];
  const checked: [string, string | undefined][] = [
    ["devSeedCommand", dev.seedCommand],
    ["devSeedFile", dev.seedFile],
    ["devPreviewCommand", dev.previewCommand],
  ];
  const out: Problem[] = [];
  for (const [key, value] of checked) {
    if (!value) continue;
    const why: string[] = [];
    for (const t of fleet.tenants) {
      if (mentions(value, repositorySecretName(t.id)) || mentions(value, environmentName(t.id)) || mentions(value, t.id)) why.push(`it names tenant ${t.id}`);
    }
    if (/neon\.tech/i.test(value)) why.push("it names a Neon host; the workflow provides DATABASE_URL of the dev branch");
    if (/\bpg_dump(all)?\b|\bpg_basebackup\b/.test(value)) why.push("it dumps a database; seed from a test-data file or generator instead");
    if (why.length) {
      out.push({
        severity: "error",
        file: source.overridden?.has(key) ? "--config" : source.file,
        ...(source.overridden?.has(key) ? { line: 1, col: 1 } : locateKey(source.text, key)),
        path: `${NAMESPACE}:${key}`,
        message: `${JSON.stringify(value)} is refused: ${[...new Set(why)].join("; ")}. The dev/test project holds test data only, never a tenant's`,
      });
    }
  }
  return out;
}
