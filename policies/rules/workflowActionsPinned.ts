import { TYPES, type Rule } from "./types";
import { isWorkflowFile } from "./workflowNoLiteralCredentials";

/** `uses:` references that are not pinned to a full commit SHA (local actions and digests are fine). */
export function unpinnedActions(content: string): string[] {
  const out: string[] = [];
  for (const m of content.matchAll(/^\s*(?:-\s*)?uses:\s*["']?([^\s"'#]+)/gm)) {
    const ref = m[1];
    if (ref.startsWith("./") || /^docker:\/\/[^@]+@sha256:[0-9a-f]{64}$/.test(ref)) continue;
    if (!/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(ref)) out.push(ref);
  }
  return out;
}

/** Every action a workflow file uses is pinned to a full 40-character commit SHA. */
export const workflowActionsPinned: Rule = {
  name: "workflow-actions-pinned",
  description: "Every `uses:` in a workflow file written to the application repository is pinned to a full 40-character commit SHA.",
  enforcementLevel: "mandatory",
  validate(resources) {
    return resources
      .filter((r) => r.type === TYPES.repositoryFile && isWorkflowFile(r.props.file) && typeof r.props.content === "string")
      .flatMap((f) => {
        const bad = unpinnedActions(f.props.content);
        return bad.length
          ? [{ urn: f.urn, message: `${f.props.file} uses ${bad.join(", ")} without a full commit SHA; pin each action as owner/repo@<40-hex sha> # vX.Y.Z` }]
          : [];
      });
  },
};
