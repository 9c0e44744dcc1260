/** The Node check: the running version against package.json's `engines.node`. Pure. */
import { fail, ok, quoted, type Check } from "./report";

type Version = readonly [number, number, number];

function parseVersion(text: string): Version | undefined {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)] : undefined;
}

function compare(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

const OPERATORS: Readonly<Record<string, (c: number) => boolean>> = {
  ">=": (c) => c >= 0,
  ">": (c) => c > 0,
  "<": (c) => c < 0,
  "<=": (c) => c <= 0,
  "=": (c) => c === 0,
};

/**
 * Whether `version` satisfies `range`: comparators (`>=20.19`, `<25`) joined by spaces, and
 * alternatives joined by `||`, as npm's semver writes engines ranges. Anything else is
 * undefined (the check then says it cannot read the range).
 */
export function satisfies(version: string, range: string): boolean | undefined {
  const v = parseVersion(version);
  if (!v) return undefined;
  const results = range.split("||").map((alternative) => {
    const parts = alternative.trim().split(/\s+/).filter(Boolean);
    if (!parts.length) return undefined;
    const verdicts = parts.map((part) => {
      const m = /^(>=|<=|>|<|=)?(.+)$/.exec(part);
      const bound = m && parseVersion(m[2]);
      return m && bound ? OPERATORS[m[1] ?? "="](compare(v, bound)) : undefined;
    });
    return verdicts.includes(undefined) ? undefined : verdicts.every(Boolean);
  });
  if (results.some((r) => r === undefined)) return undefined;
  return results.some(Boolean);
}

export function nodeCheck(running: string, engines: string | undefined): Check {
  const name = "node";
  if (!engines) return ok(name, `${running}; package.json sets no engines.node`);
  const verdict = satisfies(running, engines);
  if (verdict === undefined) return fail(name, `cannot read engines.node ${quoted(engines)}`, "write it as comparators such as >=22");
  return verdict
    ? ok(name, `${running} satisfies engines.node ${engines}`)
    : fail(
        name,
        `${running} does not satisfy engines.node ${engines}`,
        `install a Node.js release that does (nvm install ${engines.replace(/^>=?/, "").split(/\s/)[0]}), then npm ci`,
      );
}
