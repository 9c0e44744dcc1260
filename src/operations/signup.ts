/**
 * Self-serve signup (docs/signup.md): what the tenant-signup workflow of this repository
 * decides before it runs `npm run tenant -- add` and opens a pull request as the signup App.
 * The request (a `repository_dispatch` payload or a manual run's inputs) is checked field by
 * field here, before any of it names a branch or a pull request; the rate of signups is
 * judged from the signup pull requests GitHub lists. Pure.
 */
import { TIER_NAME_PATTERN } from "../../tenants/schema";

/** The `repository_dispatch` event type the application sends (POST /repos/{owner}/{repo}/dispatches). */
export const SIGNUP_EVENT = "tenant-signup";
/** The label every signup pull request carries: the rate limit counts them by it. */
export const SIGNUP_LABEL = "tenant-signup";
/** Signup branches: signup/<stack>/<tenant>. */
export const SIGNUP_BRANCH_PREFIX = "signup/";
/** What a request may ask: a new tenant, or (never merged without a person) a tenant's retirement. */
export const SIGNUP_ACTIONS = ["add", "retire"] as const;
export type SignupAction = (typeof SIGNUP_ACTIONS)[number];

export interface SignupRequest {
  readonly action: SignupAction;
  readonly stack: string;
  readonly tenant: string;
  /** The application's own id of the request (its signup), carried into the pull request and the statuses. */
  readonly request: string;
  readonly name?: string;
  readonly region?: string;
  readonly residency?: string;
  /** One of the tenants file's tiers (add; optional): `tenant add --tier`, which the loader checks is declared. */
  readonly tier?: string;
}

const STACK = /^[a-z0-9][a-z0-9-]{0,62}$/;
const TENANT = /^[a-z][a-z0-9-]{0,62}$/;
const REQUEST = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const REGION = /^[a-z0-9][a-z0-9-]{0,62}$/;
const RESIDENCY = /^[A-Z]{2}$/;
/** A tier's name as the tenants file's schema has it (tenants/schema.ts). */
const TIER = TIER_NAME_PATTERN;
/** Any control, format, separator-line or unassigned character: never part of a name shown in a pull request. */
const HIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cn}]/u;

/** A value for a message: quoted, escaped, short. */
function shown(v: string): string {
  return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v).replace(/[\p{Cf}\p{Zl}\p{Zp}]/gu, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
}

/** The request from the step's environment (every payload field reaches the step as an env variable, never in its script), or every problem with it. */
export function parseSignupRequest(env: Readonly<Record<string, string | undefined>>): { request: SignupRequest } | { problems: string[] } {
  const problems: string[] = [];
  const field = (key: string, pattern: RegExp, rule: string, required: boolean): string | undefined => {
    const value = env[key] ?? "";
    if (value === "") {
      if (required) problems.push(`${key.toLowerCase()} is missing: ${rule}`);
      return undefined;
    }
    if (!pattern.test(value)) problems.push(`${key.toLowerCase()} ${shown(value)}: ${rule}`);
    return value;
  };
  const action = (env.ACTION || "add") as SignupAction;
  if (!SIGNUP_ACTIONS.includes(action)) problems.push(`action ${shown(action)}: use ${SIGNUP_ACTIONS.join(" or ")}`);
  const adding = action !== "retire";
  const stack = field("STACK", STACK, "a stack name (prod, dev, a shard)", true);
  const tenant = field("TENANT", TENANT, "a tenant id: a lowercase slug, a letter first", true);
  const request = field("REQUEST", REQUEST, "the application's request id: letters, digits, '.', '_', '-', at most 64", true);
  const region = field("REGION", REGION, "a Neon region id (aws-eu-central-1, ...)", adding);
  const residency = field("RESIDENCY", RESIDENCY, "an ISO 3166-1 alpha-2 code in capitals, or EU", adding);
  const tier = field("TIER", TIER, "one of the tenants file's tiers: lowercase letters, digits and hyphens, a letter first (or none)", false);
  const name = env.NAME ?? "";
  if (adding && name.trim() === "") problems.push("name is missing: the customer's display name");
  else if (name && (HIDDEN.test(name) || name.length > 256 || name !== name.trim()))
    problems.push(`name ${shown(name)}: printable text of at most 256 characters, no control or invisible characters, no leading or trailing space`);
  if (action === "retire" && (name || region || residency || tier)) problems.push("retire takes the tenant only (no name, region, residency or tier)");
  if (problems.length) return { problems };
  return {
    request: {
      action,
      stack: stack!,
      tenant: tenant!,
      request: request!,
      ...(adding ? { name, region: region!, residency: residency!, ...(tier ? { tier } : {}) } : {}),
    },
  };
}

/** The branch a request's pull request comes from. */
export function signupBranch(r: Pick<SignupRequest, "stack" | "tenant" | "action">): string {
  return `${SIGNUP_BRANCH_PREFIX}${r.stack}/${r.action === "add" ? "" : `${r.action}-`}${r.tenant}`;
}

export interface RateLimits {
  readonly perHour: number;
  readonly perDay: number;
}

export interface RateDecision {
  readonly allowed: boolean;
  readonly lastHour: number;
  readonly lastDay: number;
  /** When a refused request may be tried again (the oldest counted signup leaves the window), ISO 8601. */
  readonly retryAfter?: string;
  readonly why: string;
}

/**
 * Whether one more signup fits: `createdAt` are the creation times of the signup pull requests
 * GitHub lists (open, merged or closed: a closed one was still a signup attempt). Sliding
 * windows of 60 minutes and 24 hours ending `now`.
 */
export function rateDecision(createdAt: readonly string[], now: Date, limits: RateLimits): RateDecision {
  const times = createdAt
    .map((t) => Date.parse(t))
    .filter((t) => Number.isFinite(t) && t <= now.getTime())
    .sort((a, b) => a - b);
  const hour = times.filter((t) => t > now.getTime() - 3_600_000);
  const day = times.filter((t) => t > now.getTime() - 86_400_000);
  const counts = { lastHour: hour.length, lastDay: day.length };
  if (limits.perHour === 0 || limits.perDay === 0)
    return { allowed: false, ...counts, why: "self-serve signup is off (signupsPerHour or signupsPerDay is 0): a person adds the tenant" };
  if (hour.length >= limits.perHour)
    return {
      allowed: false,
      ...counts,
      retryAfter: new Date(hour[hour.length - limits.perHour] + 3_600_000).toISOString(),
      why: `${hour.length} signups in the last hour, the limit is ${limits.perHour} (signupsPerHour)`,
    };
  if (day.length >= limits.perDay)
    return {
      allowed: false,
      ...counts,
      retryAfter: new Date(day[day.length - limits.perDay] + 86_400_000).toISOString(),
      why: `${day.length} signups in the last 24 hours, the limit is ${limits.perDay} (signupsPerDay)`,
    };
  return { allowed: true, ...counts, why: `${hour.length} of ${limits.perHour} this hour, ${day.length} of ${limits.perDay} today` };
}
