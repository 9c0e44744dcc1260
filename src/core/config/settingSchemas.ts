/**
 * The building blocks of the stack settings' declarations: the namespace, the shape of a
 * declaration (SettingSpec), the patterns and the zod schemas the declarations use.
 * (settings.ts re-exports the public names: import them from there.)
 */
import { z } from "zod";
import { ACTIVE_REGION_IDS } from "../../../tenants/regions";
import { cronProblem } from "../../../tenants/schema";

export const NAMESPACE = "tenant-fleet";

export function shorten(text: string, max = 80): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export const GITHUB_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?$/;
export const GITHUB_REPO = /^[A-Za-z0-9._-]{1,100}$/;
export const NEON_ORG = /^org-[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const OIDC_ARN = /^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/token\.actions\.githubusercontent\.com$/;
export const GIT_BRANCH = /^(?!\/|.*\/\/|.*\.\.|.*\/$|.*\.lock$)[A-Za-z0-9._/-]{1,200}$/;
/** An IAM role or user, by exact ARN (no wildcard: a key policy must name principals). */
export const IAM_PRINCIPAL_ARN = /^arn:aws(?:-[a-z]+)*:iam::\d{12}:(?:role|user)\/[A-Za-z0-9+=,.@_/-]{1,512}$/;
export const IAM_PRINCIPAL_RULE = "an IAM role or user ARN such as arn:aws:iam::123456789012:role/tenant-fleet-deploy (no wildcard)";

/** A Neon region a new project may be created in (the dev/test project's, the catalog's). */
export function activeNeonRegion() {
  return z.enum(ACTIVE_REGION_IDS as [string, ...string[]], {
    error: (iss) => `${JSON.stringify(iss.input)} is not an active Neon region; use one of ${ACTIVE_REGION_IDS.join(", ")}`,
  });
}

/** One entry per setting: key, schema over the raw string, default, documentation. */
export interface SettingSpec {
  readonly schema: z.ZodType;
  readonly description: string;
  readonly default?: unknown;
  readonly required?: string;
  /** Raw values that mean "unset" (the Pulumi.yaml defaults of optional lists and limits). */
  readonly unset?: readonly string[];
  /** The element type of a list whose elements are not strings (Pulumi.yaml `items`). */
  readonly itemType?: "integer";
  /** Set with `pulumi config set --secret` only, so not declared in Pulumi.yaml (a declared key needs a default). */
  readonly secretOnly?: true;
  /** Where the docs list it: the main settings table (docs/settings.md), or the dev/test project's (docs/dev.md). */
  readonly group?: "dev" | "migrations" | "operations" | "usage";
}

export const bool = z.preprocess(
  (v) => (v === "true" || v === true ? true : v === "false" || v === false ? false : v),
  z.boolean({ error: (iss) => `${JSON.stringify(iss.input)} is not true or false` }),
);

export const stringList = z.preprocess(
  (v) => {
    if (typeof v !== "string") return v;
    try {
      return JSON.parse(v);
    } catch {
      return v
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
    }
  },
  z.array(z.string({ error: (iss) => `${JSON.stringify(iss.input)} is not a string` }), { error: (iss) => `${JSON.stringify(iss.input)} is not a list` }),
);

/** A number given as text or number, within [min, max]; every message ends with `rule`. */
export function numberSetting(min: number, max: number, rule: string, integer = true) {
  const number = z.number({ error: (iss) => `${JSON.stringify(iss.input)} is not a ${integer ? "whole " : ""}number; ${rule}` });
  return z.preprocess(
    (v) => (typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v),
    (integer ? number.int({ error: (iss) => `${iss.input} is not a whole number; ${rule}` }) : number)
      .min(min, { error: (iss) => `${iss.input} is below ${min}; ${rule}` })
      .max(max, { error: (iss) => `${iss.input} is above ${max}; ${rule}` }),
  );
}

/** A five-field cron expression (UTC). */
export function cronSetting() {
  return z.string().superRefine((v, ctx) => {
    const problem = cronProblem(v);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
}

/** Line breaks as Unicode knows them: a command or path holding one could start a second line in a generated file. */
export const LINE_BREAKS = /[\r\n\u0085\u2028\u2029]/;

/** A one-line shell command from the stack settings: no newline, no GitHub expression. */
export function commandSetting(what: string) {
  return z
    .string()
    .min(1)
    .refine((v) => !v.includes("${{") && !LINE_BREAKS.test(v), {
      error: `${what} is one line (no line break of any kind, U+2028 and U+0085 included) and contains no \${{ }} expression; put longer logic in a script in the repository`,
    });
}

/** A path or path filter: one line, no control character, no expression. */
export function pathSetting(what: string) {
  return z
    .string()
    .min(1, { error: `the ${what} is empty` })
    .refine((v) => !v.includes("${{"), { error: `a ${what} contains no \${{ }} expression` })
    .refine((v) => !LINE_BREAKS.test(v) && !/[\p{Cc}\p{Cf}]/u.test(v), {
      error: (iss) =>
        `${JSON.stringify(String(iss.input).slice(0, 80))} holds a line break or control character; a ${what} is one line of printable characters`,
    });
}

export function pattern(re: RegExp, rule: string) {
  return z.string().regex(re, { error: (iss) => `${JSON.stringify(iss.input)} is not valid; ${rule}` });
}
