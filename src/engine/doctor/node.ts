/**
 * The Node check: the running version against package.json's `engines.node`, read as npm reads
 * it (semver ranges: comparators, `^`, `~`, `x`, alternatives with `||`), through the same
 * library scripts/launch.mjs uses to refuse an old Node. Pure.
 */
import semver from "semver";
import { fail, ok, quoted, type Check } from "./report";

/** Whether `version` satisfies `range`; undefined when either cannot be read. */
export function satisfies(version: string, range: string): boolean | undefined {
  const v = semver.coerce(version.trim(), { includePrerelease: false });
  if (!v || semver.validRange(range) === null) return undefined;
  return semver.satisfies(v, range);
}

export function nodeCheck(running: string, engines: string | undefined): Check {
  const name = "node";
  if (!engines) return ok(name, `${running}; package.json sets no engines.node`);
  const verdict = satisfies(running, engines);
  if (verdict === undefined) return fail(name, `cannot read engines.node ${quoted(engines)}`, "write it as a semver range such as ^22.13.0 || >=24");
  const lowest = semver.minVersion(engines);
  return verdict
    ? ok(name, `${running} satisfies engines.node ${engines}`)
    : fail(
        name,
        `${running} does not satisfy engines.node ${engines}`,
        `install a Node.js release that does (nvm install ${lowest?.version ?? engines}), then npm ci`,
      );
}
