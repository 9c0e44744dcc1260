/** Ids and names tell tenants apart: unique ids usable as GitHub names, unique names, look-alike names warned. */
import { remove as confusableSkeleton } from "confusables";
import { describe as quote } from "../schema";
import { githubNameProblems } from "../../src/core/repositoryContract";
import type { Problem } from "../../src/core/diagnostics/problems";
import type { Rule } from "./types";

export const uniqueIds: Rule = ({ entries, at }) => {
  const out: Problem[] = [];
  const first = new Map<string, number>();
  for (const { index, raw } of entries) {
    if (raw.id === undefined) continue;
    const seen = first.get(raw.id);
    if (seen !== undefined) out.push(at.error(["tenants", index, "id"], `duplicate id "${raw.id}" (also tenants[${seen}]); ids are unique and never reused`));
    else first.set(raw.id, index);
  }
  const why = githubNameProblems([...first.keys()]);
  for (const { index, raw } of entries) {
    const problem = raw.id === undefined ? undefined : why.get(raw.id);
    if (problem) out.push(at.error(["tenants", index, "id"], problem));
  }
  return out;
};

export const distinctNames: Rule = ({ entries, at }) => {
  const out: Problem[] = [];
  const names = new Map<string, number>();
  const lookalikes = new Map<string, { index: number; name: string }>();
  for (const { index, raw } of entries) {
    if (typeof raw.name !== "string") continue;
    const path = ["tenants", index, "name"];
    const key = raw.name.toLowerCase().replace(/\s+/g, " ");
    const seen = names.get(key);
    if (seen !== undefined) {
      out.push(at.error(path, `duplicate name ${quote(raw.name)} (also tenants[${seen}]); give each tenant its own display name`));
      continue;
    }
    names.set(key, index);
    // Names that read alike (Cyrillic "А" for Latin "A", "Café" and "Cafe") confuse reviewers and support.
    const skeleton = confusableSkeleton(raw.name.normalize("NFKC")).toLowerCase().replace(/\s+/g, " ");
    const twin = lookalikes.get(skeleton);
    if (twin)
      out.push(
        at.error(
          path,
          `${quote(raw.name)} looks like tenants[${twin.index}]'s ${quote(twin.name)}; if they are different customers, make the names easy to tell apart`,
          "warning",
        ),
      );
    else lookalikes.set(skeleton, { index, name: raw.name });
  }
  return out;
};
