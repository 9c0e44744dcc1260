/**
 * A stack file's Pulumi ESC imports in the review (hostile review of issue 34). Pulumi merges
 * the imported environments' `pulumiConfig` under the stack file's own `config:`, the file
 * winning for the keys it sets (https://www.pulumi.com/docs/esc/integrations/infrastructure/pulumi-iac/).
 * Offline, the review reads only the file: adding or changing the imports, or removing a
 * setting from the file while it imports any, hands that setting to whoever may write the
 * environment. Each is the destructive kind `esc`, acknowledged like the others.
 */
import { escImports } from "../core/config/stackFileChecks";
import { NAMESPACE } from "../core/config/settings";
import { CHANGE_KINDS } from "../../tenants/changeKinds";
import type { ChangeClass } from "./findings";

/** One side as this check reads it: the stack file's text and its settings (without the namespace). */
export interface EscSide {
  readonly stackText?: string;
  readonly settings?: Readonly<Record<string, string | undefined>>;
}

/** A change of the diff (src/review/diff.ts FieldChange, which spreads it). */
export interface EscChange {
  readonly field: string;
  readonly before: unknown;
  readonly after: unknown;
  readonly class: ChangeClass;
  readonly kind?: "esc";
  readonly why: string;
}

export function escChanges(before: EscSide, after: EscSide): EscChange[] {
  const was = escImports(before.stackText)?.environments ?? [];
  const now = escImports(after.stackText)?.environments ?? [];
  const out: EscChange[] = [];
  if (JSON.stringify(was) !== JSON.stringify(now))
    out.push({
      field: "environment",
      before: was.length ? was.join(", ") : undefined,
      after: now.length ? now.join(", ") : undefined,
      class: now.length ? "destructive" : "safe",
      ...(now.length
        ? { kind: "esc" as const, why: CHANGE_KINDS.esc.why }
        : { why: "the stack imports no ESC environment: every setting is in the stack file" }),
    });
  if (now.length && before.settings && after.settings) {
    for (const key of Object.keys(before.settings).filter((k) => !(k in after.settings!)))
      out.push({
        field: `${NAMESPACE}:${key}`,
        before: before.settings[key],
        after: undefined,
        class: "destructive",
        kind: "esc",
        why: `removed from the stack file while it imports ${now.join(", ")}: at deploy its value comes from ESC, which the review cannot read (not the default)`,
      });
  }
  return out;
}
