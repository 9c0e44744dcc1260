/**
 * Which stack a command means when it is given no `--stack`, and which stacks are the
 * samples the project ships. A team's own stack (written by `npm run init`, or any stack
 * file that is not one of the samples) is the default as soon as it is the only one; with
 * several of them the command asks for one; with none (the project as shipped) the default
 * is the sample `prod`. Reads only stack files and the top of each tenants file.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { listStacks, readStackConfig, UsageError } from "./stackFiles";
import { NAMESPACE } from "./settingSchemas";

/**
 * The sample stacks this project ships, each with its sample fleet. A stack is one of them
 * while its stack file keeps the sample's name and tenants file and either that fleet says
 * `example: true` or no stack of the team's own reads the same file. So deleting
 * `example: true` in a pull request does not bring a sample into CI's deploys beside the
 * team's own stacks, where no tenant diff of the base ever ran for it (hostile review), while
 * a real fleet in the sample's file that the team shards (Pulumi.prod-us.yaml reading
 * tenants/tenants.yaml) keeps every shard running. `npm run init -- --stack prod --force`
 * makes `prod` a team's own (its tenants file is tenants/prod.yaml).
 */
export const SAMPLE_STACKS: readonly { readonly stack: string; readonly tenantsFile: string }[] = Object.freeze([
  { stack: "prod", tenantsFile: "tenants/tenants.yaml" },
  { stack: "dev", tenantsFile: "tenants/tenants.dev.yaml" },
]);

/** The default of a project that has no stack of its own: the first sample. */
export const SAMPLE_DEFAULT_STACK = SAMPLE_STACKS[0].stack;

/** The tenants file every stack without a `tenantsFile` setting reads (Pulumi.yaml's default). */
const DEFAULT_TENANTS_FILE = "tenants/tenants.yaml";

export interface StackKind {
  readonly stack: string;
  /** Its tenants file, relative to the project root. */
  readonly tenantsFile: string;
  /** The fleet says `example: true`: planned, refused by `pulumi up`. */
  readonly example: boolean;
  /** One of the shipped samples (SAMPLE_STACKS): its name and tenants file, an example fleet or one no stack of the team's own reads. */
  readonly sample: boolean;
}

/** Whether a tenants file says `example: true` at its top level; a file that is missing or not YAML is not (its own run reports it). */
export function isExampleFleet(root: string, tenantsFile: string): boolean {
  let text: string;
  try {
    text = readFileSync(path.resolve(root, tenantsFile), "utf8");
  } catch {
    return false;
  }
  try {
    const doc = parse(text) as { example?: unknown } | null;
    return doc !== null && typeof doc === "object" && doc.example === true;
  } catch {
    return false;
  }
}

/** Every stack of the project: its tenants file, whether its fleet is an example, and whether it is a shipped sample. */
export function stackKinds(root: string): StackKind[] {
  const read = listStacks(root).map((stack) => {
    let tenantsFile = DEFAULT_TENANTS_FILE;
    try {
      tenantsFile = readStackConfig(root, stack).config[`${NAMESPACE}:tenantsFile`] ?? DEFAULT_TENANTS_FILE;
    } catch {
      // A stack file that does not parse is its own stack's error; here it counts as the team's own.
    }
    const shipped = SAMPLE_STACKS.some((s) => s.stack === stack && s.tenantsFile === tenantsFile);
    return { stack, tenantsFile, example: isExampleFleet(root, tenantsFile), shipped };
  });
  // A team's own stack sharing a sample's tenants file (a shard of the sample prod turned real) makes that fleet the team's.
  const ownFiles = new Set(read.filter((k) => !k.shipped).map((k) => k.tenantsFile));
  return read.map(({ shipped, ...k }) => ({ ...k, sample: shipped && (k.example || !ownFiles.has(k.tenantsFile)) }));
}

/**
 * The stack a command works on: `given` when there is one; otherwise the one stack of the
 * team's own; the sample default when there is none of those. Several of the team's own: a
 * UsageError (exit 2) that lists them and asks for one.
 */
export function defaultStack(root: string, given?: string): string {
  if (given !== undefined) return given;
  const kinds = stackKinds(root);
  const own = kinds.filter((k) => !k.sample);
  if (own.length === 1) return own[0].stack;
  if (own.length === 0 && kinds.some((k) => k.stack === SAMPLE_DEFAULT_STACK)) return SAMPLE_DEFAULT_STACK;
  if (own.length === 0) throw new UsageError(`this project has no stack file (Pulumi.<stack>.yaml); start one with npm run init -- --stack <name> ...`);
  const samples = kinds.filter((k) => k.sample).map((k) => k.stack);
  throw new UsageError(
    `which stack? This project has ${own.length} stacks of its own: ${own.map((k) => k.stack).join(", ")}${samples.length ? ` (and the samples ${samples.join(", ")})` : ""}; pass --stack <name>, e.g. --stack ${own[0].stack}`,
  );
}
