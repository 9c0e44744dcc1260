/**
 * The stacks CI runs, read from the project's stack files, so that adding a shard
 * (`Pulumi.prod-us.yaml` and its policy config) is configuration: the preview and deploy
 * workflows build their matrices from this list instead of naming stacks.
 *
 * A stack's tier follows its `protect` setting: protected stacks are prod (deployed after
 * the dev stacks, behind the prod environment's reviewers), the others dev. Given the
 * protection each stack had on the base branch, a stack protected there stays prod: a
 * pull request that sets `protect: false` cannot move its own deploy into the dev tier. Each stack needs
 * `policies/config.<stack>.json`, which is derived from the stack's own settings
 * (policyConfigFor; `npm run schema` and `npm run init` write it); a file that says anything
 * else is an error at its line, since the pack would otherwise enforce the wrong thing.
 *
 * Samples step aside: once the project has a stack of its own (defaultStack.ts), the shipped
 * sample stacks leave every matrix (they exist in no team's Pulumi backend), and a stack
 * whose fleet says `example: true` (a sample, or `npm run init`'s starter) is previewed but
 * never deployed, since `pulumi up` refuses it and a failed dev deploy would hold back prod.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { Positions, type Position } from "../diagnostics/positions";
import { locateConfigKey, parseStackSettings, projectSettings, type StackSettings } from "./settings";
import { readStackConfig } from "./stackFiles";
import { stackKinds } from "./defaultStack";
import type { Problem } from "../diagnostics/problems";

export type Tier = "dev" | "prod";

export interface CiStack {
  readonly stack: string;
  readonly tier: Tier;
  /** Set when the tier comes from the base branch rather than the stack file as it is. */
  readonly tierFromBase?: true;
  /** The application repository, for the GitHub App token scoped to it. */
  readonly githubOwner: string;
  readonly githubRepository: string;
  /** Path from the project root, as the workflows pass it to pulumi/actions. */
  readonly policyConfig: string;
  /** The stack's `aws:region`: where the deploy and preview jobs sign in to AWS. */
  readonly awsRegion: string;
  /** Its fleet says `example: true`: previewed, never deployed (`pulumi up` refuses it). */
  readonly example?: true;
}

/** A stack CI leaves out, and why. */
export interface SetAside {
  readonly stack: string;
  readonly why: string;
}

/** An AWS region id as `aws:region` takes it (eu-central-1, us-gov-west-1, ap-southeast-2). */
export const AWS_REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]$/;

export function policyConfigPath(stack: string): string {
  return `policies/config.${stack}.json`;
}

/** What the policy pack checks a stack against, each value derived from one of the stack's settings. */
export function policyConfigFor(settings: StackSettings) {
  return {
    "neon-project-residency": { allowedResidencies: [...settings.allowedResidencies] },
    "oidc-role-trust": {
      repository: `${settings.github.owner}/${settings.github.repository}`,
      branch: settings.github.branch,
      // The operations role trusts this repository's own workflows; unset, the key is left out.
      stackRepository: settings.backup.operationsRepository,
    },
    "data-resources-protected": { requireProtection: settings.protect },
    "backup-key-policy": { keyAdministrators: [...settings.backup.keyAdministrators], breakGlassPrincipal: settings.backup.breakGlassPrincipal },
  };
}

/** The policy config file's text (`npm run schema` and `npm run init` write it). */
export function renderPolicyConfig(settings: StackSettings): string {
  return `${JSON.stringify(policyConfigFor(settings), null, 2)}\n`;
}

/** Where a rule's key (or the rule's setting) sits in a JSON policy config. */
function locate(text: string, rule: string, key?: string): Position {
  return Positions.of(text, "").at(key ? [rule, key] : [rule]);
}

/**
 * Where `policies/config.<stack>.json` is missing, is not JSON, or says anything other than
 * the stack's settings: errors at the file's own lines, each with the command that rewrites it.
 */
export function policyConfigProblems(root: string, stack: string, settings: StackSettings): Problem[] {
  const stackFile = `Pulumi.${stack}.yaml`;
  const file = policyConfigPath(stack);
  const fix = `run npm run schema, which writes ${file} from ${stackFile}`;
  let text: string;
  try {
    text = readFileSync(path.join(root, file), "utf8");
  } catch {
    return [{ severity: "error", file: stackFile, line: 1, col: 1, path: "", message: `stack ${stack} has no policy config ${file}; ${fix}` }];
  }
  let config: Record<string, Record<string, unknown> | undefined>;
  try {
    config = JSON.parse(text);
  } catch (err) {
    return [{ severity: "error", file, line: 1, col: 1, path: "", message: `not valid JSON (${(err as Error).message}); ${fix}` }];
  }
  // Every value the settings imply, compared where the file says it (sets compared as sets).
  const sameValue = (a: unknown, b: unknown) => JSON.stringify(Array.isArray(a) ? [...a].sort() : a) === JSON.stringify(Array.isArray(b) ? [...b].sort() : b);
  const problems: Problem[] = [];
  for (const [rule, values] of Object.entries(policyConfigFor(settings))) {
    for (const [key, value] of Object.entries(values)) {
      const found = config[rule]?.[key];
      if (sameValue(found, value)) continue;
      problems.push({
        severity: "error",
        file,
        ...locate(text, rule, key),
        path: `${rule}.${key}`,
        message: `${JSON.stringify(found ?? null)} is not what ${stackFile} says (${JSON.stringify(value)}); ${fix}`,
      });
    }
  }
  return problems;
}

/** Whether each stack was protected on the base branch (undefined: the stack did not exist there). */
export type BaseProtection = (stack: string) => boolean | undefined;

/** Prod when the stack is protected now or was on the base branch. */
export function tierOf(protect: boolean, protectedAtBase: boolean | undefined): { tier: Tier; tierFromBase?: true } {
  if (protect) return { tier: "prod" };
  return protectedAtBase ? { tier: "prod", tierFromBase: true } : { tier: "dev" };
}

/** The stacks of a project and every problem that stops CI from running them as they are. */
export function ciStacks(root: string, baseProtection?: BaseProtection): { stacks: CiStack[]; problems: Problem[]; setAside: SetAside[] } {
  const stacks: CiStack[] = [];
  const problems: Problem[] = [];
  const kinds = stackKinds(root);
  const own = kinds.filter((k) => !k.sample).map((k) => k.stack);
  const setAside: SetAside[] = own.length
    ? kinds
        .filter((k) => k.sample)
        .map((k) => ({
          stack: k.stack,
          why: `a shipped sample (stack ${k.stack} with ${k.tenantsFile}${k.example ? ", example: true" : ""}); CI runs this project's own stacks: ${own.join(", ")}; to run it too, give it a tenants file of its own (npm run init -- --stack ${k.stack} --force)`,
        }))
    : [];
  for (const { stack, example } of kinds) {
    if (setAside.some((x) => x.stack === stack)) continue;
    const cfg = readStackConfig(root, stack);
    const raw = projectSettings(cfg.config);
    const { settings, problems: settingProblems } = parseStackSettings(raw, { stack, file: cfg.stackFile, text: cfg.stackFileText });
    problems.push(...settingProblems.filter((p) => p.severity === "error"));
    if (!settings) continue;

    const awsRegion = cfg.config["aws:region"];
    if (!awsRegion || !AWS_REGION.test(awsRegion)) {
      const { line, col } = locateConfigKey(cfg.stackFileText, "aws:region") ?? { line: 1, col: 1 };
      problems.push({
        severity: "error",
        file: cfg.stackFile,
        line,
        col,
        path: "aws:region",
        message: `${awsRegion ? `${JSON.stringify(awsRegion)} is not an AWS region` : `not set in stack ${stack}`}; CI signs in to AWS there and the AWS provider needs it: pulumi config set aws:region <region, e.g. eu-central-1> --stack ${stack}`,
      });
      continue;
    }

    const file = policyConfigPath(stack);
    problems.push(...policyConfigProblems(root, stack, settings));
    stacks.push({
      stack,
      ...tierOf(settings.protect, baseProtection?.(stack)),
      policyConfig: file,
      githubOwner: settings.github.owner,
      githubRepository: settings.github.repository,
      awsRegion,
      ...(example ? { example: true as const } : {}),
    });
  }
  return { stacks, problems, setAside };
}

/** GitHub Actions matrices (`{"include": [...]}`) for the workflows' `fromJSON`. */
export interface MatrixEntry {
  readonly stack: string;
  readonly policyConfig: string;
  readonly githubOwner: string;
  readonly githubRepository: string;
  readonly awsRegion: string;
}

export function ciMatrices(stacks: readonly CiStack[]): Record<"all" | Tier, { include: MatrixEntry[] }> {
  const entries = (tier?: Tier) =>
    stacks
      // The deploy matrices (per tier) leave example fleets out; the preview matrix (all) keeps them.
      .filter((s) => !tier || (s.tier === tier && !s.example))
      .map((s) => ({ stack: s.stack, policyConfig: s.policyConfig, githubOwner: s.githubOwner, githubRepository: s.githubRepository, awsRegion: s.awsRegion }));
  return { all: { include: entries() }, dev: { include: entries("dev") }, prod: { include: entries("prod") } };
}
