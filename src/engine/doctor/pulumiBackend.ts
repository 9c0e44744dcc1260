/**
 * The Pulumi backend check: which backend `pulumi up` would use (PULUMI_BACKEND_URL, else the
 * `current` of ~/.pulumi/credentials.json, as the CLI picks it:
 * https://www.pulumi.com/docs/iac/concepts/state-and-backends/), and whether it is usable:
 * a file backend's directory exists and is writable, an s3:// backend's bucket answers
 * HeadBucket, Pulumi Cloud answers GET /api/user with the token
 * (https://www.pulumi.com/docs/reference/cloud-rest-api/users/; the token and headers:
 * https://www.pulumi.com/docs/reference/cloud-rest-api/api-basics/). Reads only.
 */
import { constants, existsSync, readFileSync, statSync } from "node:fs";
import { access } from "node:fs/promises";
import { homedir } from "node:os";
import path from "node:path";
import { HeadBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { fail, ok, quoted, skip, type Check } from "./report";
import { isMissingCredentials } from "./awsChecks";

const NAME = "pulumi backend";
const LOGIN_FIX = "pulumi login (Pulumi Cloud), or pulumi login s3://<state-bucket>?region=<region> (docs/deploying.md, Bootstrapping)";

interface CliCredentials {
  readonly current?: string;
  readonly accessTokens?: Readonly<Record<string, string>>;
}

function cliCredentials(env: NodeJS.ProcessEnv): CliCredentials {
  const file = path.join(env.PULUMI_HOME ?? path.join(homedir(), ".pulumi"), "credentials.json");
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, "utf8")) as CliCredentials;
  } catch {
    return {};
  }
}

/** The backend the CLI would use, and where that was read. */
export function resolveBackend(env: NodeJS.ProcessEnv): { url: string; from: string } | undefined {
  if (env.PULUMI_BACKEND_URL) return { url: env.PULUMI_BACKEND_URL, from: "PULUMI_BACKEND_URL" };
  const current = cliCredentials(env).current;
  return current ? { url: current, from: "pulumi login (credentials.json)" } : undefined;
}

/** Pulumi Cloud's API for a console URL (app.pulumi.com → api.pulumi.com), as the CLI maps it. */
export function cloudApi(url: string): string {
  const u = new URL(url);
  if (u.host === "app.pulumi.com") return "https://api.pulumi.com";
  return `${u.protocol}//${u.host}`;
}

export async function checkPulumiBackend(env: NodeJS.ProcessEnv): Promise<Check> {
  const backend = resolveBackend(env);
  if (!backend) return fail(NAME, "no backend: PULUMI_BACKEND_URL is not set and pulumi login has not been run", LOGIN_FIX);
  const { url, from } = backend;
  if (url.startsWith("file://")) return fileBackend(url, from);
  if (url.startsWith("s3://")) return s3Backend(url, from);
  if (/^https?:\/\//.test(url)) return cloudBackend(url, from, env);
  return skip(NAME, `${quoted(url)} (from ${from}) is a backend the doctor does not check`);
}

async function fileBackend(url: string, from: string): Promise<Check> {
  const raw = decodeURIComponent(url.slice("file://".length).split("?")[0]);
  const dir = raw.startsWith("~") ? path.join(homedir(), raw.slice(1)) : raw;
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    return fail(NAME, `the file backend ${quoted(dir)} (from ${from}) is not a directory`, `create it (mkdir -p ${dir}) or pulumi login to another backend`);
  try {
    await access(dir, constants.W_OK);
  } catch {
    return fail(NAME, `the file backend ${quoted(dir)} (from ${from}) is not writable by this user`, `make it writable, or pulumi login to another backend`);
  }
  return ok(NAME, `file backend ${dir} (from ${from}) exists and is writable`);
}

async function s3Backend(url: string, from: string): Promise<Check> {
  const u = new URL(url);
  const bucket = u.host;
  const region = u.searchParams.get("region") ?? undefined;
  try {
    await new S3Client({ region: region ?? "us-east-1", followRegionRedirects: true }).send(new HeadBucketCommand({ Bucket: bucket }));
    return ok(NAME, `s3://${bucket} (from ${from}) answers`);
  } catch (err) {
    if (isMissingCredentials(err))
      return skip(NAME, `s3://${bucket} (from ${from}): no AWS credentials to ask with`, "export AWS_PROFILE (the identity that runs pulumi up)");
    const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    const why = status === 404 ? "does not exist" : status === 403 ? "refuses this caller (403)" : `did not answer (${(err as Error).name})`;
    return fail(
      NAME,
      `s3://${bucket} (from ${from}) ${why}`,
      `create the state bucket (versioned, encrypted) or grant the deploy identity s3:ListBucket, GetObject and PutObject on it`,
    );
  }
}

async function cloudBackend(url: string, from: string, env: NodeJS.ProcessEnv): Promise<Check> {
  const api = cloudApi(url);
  const token = env.PULUMI_ACCESS_TOKEN ?? cliCredentials(env).accessTokens?.[url.replace(/\/+$/, "")];
  if (!token)
    return skip(NAME, `Pulumi Cloud ${api} (from ${from}): no token (PULUMI_ACCESS_TOKEN, or pulumi login)`, "export PULUMI_ACCESS_TOKEN or run pulumi login");
  const host = new URL(api).hostname;
  if (api.startsWith("http://") && !["127.0.0.1", "localhost", "[::1]"].includes(host))
    return fail(NAME, `Pulumi Cloud ${api} (from ${from}) is plain http: the token would cross the network unencrypted`, "use the backend's https:// URL");
  let res: Response;
  try {
    res = await fetch(`${api}/api/user`, { method: "GET", headers: { Authorization: `token ${token}`, Accept: "application/vnd.pulumi+8" } });
  } catch (err) {
    return fail(NAME, `Pulumi Cloud ${api} does not answer (${quoted((err as Error).message)})`, "check the network and the backend URL");
  }
  if (res.status === 401)
    return fail(NAME, `Pulumi Cloud ${api} rejects the token (401)`, "create a new access token (Pulumi Cloud → Access tokens) and export PULUMI_ACCESS_TOKEN");
  if (res.status !== 200) return fail(NAME, `Pulumi Cloud ${api}: HTTP ${res.status}`, "run the doctor again; if it persists, check Pulumi Cloud's status");
  const user = (await res.json().catch(() => ({}))) as { githubLogin?: string };
  return ok(NAME, `Pulumi Cloud ${api} (from ${from}): signed in as ${user.githubLogin ?? "an unnamed user"}`);
}
