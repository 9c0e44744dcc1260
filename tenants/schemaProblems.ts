/**
 * What the zod schema says about a tenants file, as positioned problems with the fix:
 * unknown keys with "did you mean", missing keys with an example, the rest as the schema
 * words them. Also keeps the fields that did parse, so the rules still run on a broken file.
 */
import { z } from "zod";
import { TenantsFileSchema } from "./schema";
import { closest, type Problem } from "../src/core/diagnostics/problems";
import type { DocPath, Positions } from "../src/core/diagnostics/positions";

const MISSING_HINTS: Record<string, string> = {
  version: "add version: 1 at the top of the file",
  tenants: "add a tenants: list with at least one tenant",
  id: "add id: <lowercase slug>, e.g. id: acme-corp",
  name: "add name: <display name>, e.g. name: ACME Corp",
  region: "add region: <Neon region id>, e.g. region: aws-eu-central-1",
  residency: "add residency: <EU or ISO country code>, e.g. residency: EU",
  status: "add status: active (or retired)",
  frequency: "add frequency: daily, weekly or monthly (or write snapshots: off)",
  hour: "add hour: the hour of the day in UTC, 0 to 23",
  day: "add day: 1 to 7 (weekly: the day of the week) or 1 to 28 (monthly: the day of the month)",
  retentionDays: "add retentionDays: the days each snapshot is kept (without one Neon keeps and bills a snapshot forever)",
};

function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  while (s instanceof z.ZodOptional || s instanceof z.ZodDefault) s = s.unwrap() as z.ZodType;
  return s;
}

/** Keys the schema allows for the object at `path`, for "did you mean" hints. */
function allowedKeys(path: DocPath): string[] {
  let schema: z.ZodType = TenantsFileSchema;
  for (const part of path) {
    schema = unwrap(schema);
    if (schema instanceof z.ZodArray) schema = schema.element as z.ZodType;
    else if (schema instanceof z.ZodRecord) schema = schema.valueType as z.ZodType;
    else if (schema instanceof z.ZodObject) schema = (schema.shape as Record<string, z.ZodType>)[String(part)];
    if (!schema) return [];
  }
  schema = unwrap(schema);
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

function getIn(data: unknown, path: DocPath): unknown {
  let v = data;
  for (const part of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string | number, unknown>)[part];
  }
  return v;
}

export function schemaProblems(issues: readonly z.core.$ZodIssue[], data: unknown, at: Positions): Problem[] {
  const out: Problem[] = [];
  for (const iss of issues) {
    const path = iss.path as (string | number)[];
    if (iss.code === "unrecognized_keys") {
      const allowed = allowedKeys(path);
      for (const key of iss.keys) {
        const guess = closest(key, allowed);
        const hint = guess ? `did you mean "${guess}"?` : `allowed keys here are ${allowed.join(", ")}`;
        out.push(at.problem("error", at.keyOffset(path, key), [...path, key], `unknown key "${key}"; ${hint}`));
      }
      continue;
    }
    const parentPath = path.slice(0, -1);
    const key = path[path.length - 1];
    const parent = getIn(data, parentPath);
    const isMissing = typeof key === "string" && parent !== null && typeof parent === "object" && !Array.isArray(parent) && !(key in (parent as object));
    if (isMissing) {
      const hint = MISSING_HINTS[key] ?? `add ${key}`;
      out.push(at.problem("error", at.offsetOf(parentPath), parentPath.length ? parentPath : [key], `missing required key "${key}"; ${hint}`));
      continue;
    }
    if (iss.code === "invalid_type" && path.length === 0) {
      out.push(at.error([], `the file is not a mapping; it starts with version: 1 and a tenants: list`));
      continue;
    }
    out.push(at.error(path, iss.message));
  }
  return out;
}

/** Keeps the fields that are individually valid, so rules across fields still run on a broken file. */
export function validFields<T extends z.ZodObject>(schema: T, value: unknown): Partial<z.infer<T>> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return {};
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
    const v = (value as Record<string, unknown>)[key];
    if (v === undefined) continue;
    const r = field.safeParse(v);
    if (r.success) out[key] = r.data;
  }
  return out as Partial<z.infer<T>>;
}
