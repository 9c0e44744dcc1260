/** In a file shared by shards, exactly one stack owns each tenant. */
import type { Problem } from "../../src/core/diagnostics/problems";
import type { Rule } from "./types";

export const oneOwner: Rule = ({ entries, ctx, at }) => {
  const shards = ctx.shards;
  if (!shards) return [];
  const out: Problem[] = [];
  for (const { index, raw } of entries) {
    if (raw.residency === undefined || raw.region === undefined) continue;
    const owners = shards.owners(raw);
    const path = ["tenants", index, "residency"];
    if (owners.length === 0) {
      out.push(
        at.error(
          path,
          `no stack sharing this file owns a tenant with residency ${raw.residency} in ${raw.region} (${shards.summary}); add it to one stack's tenant-fleet:shardResidencies or shardRegions`,
        ),
      );
    } else if (owners.length > 1) {
      out.push(at.error(path, `stacks ${owners.join(" and ")} both own this tenant (${shards.summary}); narrow their shard settings so exactly one does`));
    }
  }
  return out;
};
