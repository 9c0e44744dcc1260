/**
 * Carrying out an erasure's vault part (src/operations/erase.ts plans it): the tenant's
 * prefixes listed, checked and deleted in every vault of the stack through the same shell
 * the generated workflows run (src/operations/scripts.ts). The project's deletion and the
 * other operations are in ./tenantOperations.ts.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { listingProblems, prefixProblem, retentionClassPrefixesIn, type ErasurePlan, type ListedVersion } from "./erase";
import { eraseListingScript, eraseVersionsScript, vaultTopLevelScript } from "./scripts";
import { CommandError } from "../cli/cli";
import { lastError, runScript, type StackFacts } from "./tenantOperations";

/** One vault of the stack: its AWS region and bucket (the outputs' backupVaults). */
export interface Vault {
  readonly awsRegion: string;
  readonly bucket: string;
}

/** What an erasure found and deleted in one vault, for the record. */
export interface VaultErasure extends Vault {
  /** Object versions and delete markers listed under the tenant's prefixes before the first delete. */
  readonly found: number;
  readonly deleted: number;
  readonly byPrefix: Record<string, number>;
  /** The tenant's prefixes in retention classes this vault holds and the stack no longer declares (found by listing; absent when none). */
  readonly discoveredPrefixes?: readonly string[];
}

/** A listing or deletion this many times over without an empty listing: something keeps writing under the prefixes. */
const ERASURE_ROUNDS = 3;

/** Names the first few of a list, counts the rest. */
function someOf(items: readonly string[], shown = 5): string {
  return `${items.slice(0, shown).join("; ")}${items.length > shown ? `; and ${items.length - shown} more` : ""}`;
}

/**
 * The tenant's prefixes in one vault beyond the plan's: its prefix in every retention class
 * the vault holds (listed with delimiter `/`, src/operations/erase.ts retentionClassPrefixesIn),
 * each checked like the plan's (prefixProblem).
 */
async function discoveredPrefixes(plan: Extract<ErasurePlan, { action: "erase" }>, vault: Vault, work: string): Promise<string[]> {
  const file = path.join(work, `top-${vault.awsRegion}.txt`);
  const { code, output } = await runScript(vaultTopLevelScript(), {
    ERASE_BUCKET: vault.bucket,
    ERASE_REGION: vault.awsRegion,
    PREFIXES_FILE: file,
    RUNNER_TEMP: work,
  });
  if (code !== 0)
    throw new CommandError(
      `listing the retention classes in s3://${vault.bucket} (${vault.awsRegion}) failed (exit ${code}): ${lastError(output)}; nothing was deleted, run the erasure again`,
    );
  const found = retentionClassPrefixesIn(readFileSync(file, "utf8").split("\n").filter(Boolean), plan.tenant).filter((p) => !plan.prefixes.includes(p));
  const problem = found.map(prefixProblem).find((p) => p !== undefined);
  if (problem) throw new CommandError(`refusing to erase ${plan.tenant}: ${problem}; nothing was deleted`);
  return found;
}

/** Every version under the prefixes in one vault (src/operations/scripts.ts), each with its VersionId. */
async function listVault(
  plan: Extract<ErasurePlan, { action: "erase" }>,
  vault: Vault,
  prefixes: readonly string[],
  work: string,
): Promise<(ListedVersion & { readonly versionId?: string })[]> {
  const listing = path.join(work, `listing-${vault.awsRegion}.ndjson`);
  const { code, output } = await runScript(eraseListingScript(), {
    ERASE_BUCKET: vault.bucket,
    ERASE_REGION: vault.awsRegion,
    ERASE_PREFIXES: prefixes.join("\n"),
    LISTING_FILE: listing,
    RUNNER_TEMP: work,
  });
  if (code !== 0)
    throw new CommandError(
      `listing ${plan.tenant}'s objects in s3://${vault.bucket} (${vault.awsRegion}) failed (exit ${code}): ${lastError(output)}; nothing was deleted in this round, run the erasure again`,
    );
  return readFileSync(listing, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const v = JSON.parse(line) as { prefix: string; Key: string; VersionId?: string | null };
      return { awsRegion: vault.awsRegion, bucket: vault.bucket, prefix: v.prefix, key: v.Key, ...(v.VersionId ? { versionId: v.VersionId } : {}) };
    });
}

/**
 * The tenant's prefixes erased in every vault of the stack, as the break-glass role: each
 * round lists every vault first and checks what it lists (src/operations/erase.ts
 * listingProblems: a key of anyone but the tenant refuses the erasure before any delete,
 * in any vault), then deletes exactly the versions listed and checked; the empty listing
 * of every prefix in every vault that ends it is the proof.
 */
export async function eraseVaults(
  plan: Extract<ErasurePlan, { action: "erase" }>,
  vaults: readonly Vault[],
  otherTenants: readonly string[],
): Promise<{ deleted: number; byPrefix: Record<string, number>; vaults: VaultErasure[] }> {
  const work = mkdtempSync(path.join(process.env.RUNNER_TEMP ?? tmpdir(), "tf-erase-"));
  const done = new Map<string, { found: number; deleted: number; byPrefix: Record<string, number> }>(
    vaults.map((v) => [v.awsRegion, { found: 0, deleted: 0, byPrefix: {} }]),
  );
  // A retention class the stack dropped still holds the tenant's backups: each vault's own classes are listed first.
  const discovered = new Map(await Promise.all(vaults.map(async (v) => [v.awsRegion, await discoveredPrefixes(plan, v, work)] as const)));
  for (let round = 1; ; round++) {
    const listed = (await Promise.all(vaults.map((v) => listVault(plan, v, [...plan.prefixes, ...discovered.get(v.awsRegion)!], work)))).flat();
    if (!listed.length) break;
    const problems = listingProblems(listed, otherTenants);
    if (problems.length) {
      throw new CommandError(
        `refusing to erase ${plan.tenant}${round > 1 ? " any further" : ""}: what the vaults list under its prefixes is not only its own: ${someOf(problems)}; ${round > 1 ? "the objects listed earlier are deleted, these and the project are not" : "nothing was deleted"}. Find out how these objects came there before erasing`,
      );
    }
    if (round > ERASURE_ROUNDS)
      throw new CommandError(
        `${listed.length} object version(s) of ${plan.tenant} are still listed after ${ERASURE_ROUNDS} rounds of deleting: is something still writing under ${plan.prefixes.join(", ")}? The project is not deleted; stop the writer and run the erasure again`,
      );
    for (const vault of vaults) {
      const mine = listed.filter((v) => v.awsRegion === vault.awsRegion);
      const tally = done.get(vault.awsRegion)!;
      if (round === 1) tally.found = mine.length;
      if (!mine.length) continue;
      const listing = path.join(work, `delete-${vault.awsRegion}.ndjson`);
      writeFileSync(
        listing,
        mine.map((v) => JSON.stringify({ prefix: v.prefix, Key: v.key, ...(v.versionId ? { VersionId: v.versionId } : {}) })).join("\n") + "\n",
      );
      const result = path.join(work, `erased-${vault.awsRegion}.tsv`);
      const { code, output } = await runScript(eraseVersionsScript(), {
        ERASE_BUCKET: vault.bucket,
        ERASE_REGION: vault.awsRegion,
        LISTING_FILE: listing,
        BYPASS_GOVERNANCE: String(plan.bypassGovernance),
        RESULT_FILE: result,
        RUNNER_TEMP: work,
      });
      if (code !== 0)
        throw new CommandError(
          `erasing ${plan.tenant}'s objects in s3://${vault.bucket} (${vault.awsRegion}) failed (exit ${code}): ${lastError(output)}; run the erasure again: it deletes what is left`,
        );
      for (const line of readFileSync(result, "utf8").split("\n").filter(Boolean)) {
        const [prefix, n] = line.split("\t");
        tally.byPrefix[prefix] = (tally.byPrefix[prefix] ?? 0) + Number(n);
        tally.deleted += Number(n);
      }
    }
  }
  const perVault = vaults.map((v) => ({
    ...v,
    ...done.get(v.awsRegion)!,
    ...(discovered.get(v.awsRegion)!.length ? { discoveredPrefixes: discovered.get(v.awsRegion)! } : {}),
  }));
  const byPrefix: Record<string, number> = {};
  for (const v of perVault) for (const [prefix, n] of Object.entries(v.byPrefix)) byPrefix[prefix] = (byPrefix[prefix] ?? 0) + n;
  return { deleted: perVault.reduce((a, v) => a + v.deleted, 0), byPrefix, vaults: perVault };
}

/**
 * The vault of every region the plan names, from the stack's outputs (backupVaults). A
 * region the stack declares and the outputs do not name refuses: the erasure would be
 * incomplete without a word.
 */
export function vaultsOf(plan: Extract<ErasurePlan, { action: "erase" }>, facts: StackFacts): Vault[] {
  const missing = plan.vaultRegions.filter((r) => !facts.vaults?.[r]);
  if (missing.length) {
    throw new CommandError(
      `the vault of ${missing.join(", ")} is not known: pass --outputs FILE (pulumi stack output --json > FILE, after pulumi up), whose backupVaults names every vault of the stack; ${plan.tenant}'s prefixes are erased in each, so nothing was deleted`,
    );
  }
  return plan.vaultRegions.map((awsRegion) => ({ awsRegion, bucket: facts.vaults![awsRegion] }));
}
