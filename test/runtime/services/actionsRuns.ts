/**
 * GitHub Actions' record of a repository's workflow runs and their artifacts, as the REST API
 * serves it to a job's own token: the part of the world stand-in (fakeApis.ts startFakeGithub)
 * that the backups' canary reads (src/plan/workflows/sh/wal-canary.sh). The rules it keeps, each
 * from GitHub's documentation (test/runtime/actionsRuns.test.ts tests each):
 *
 * - LIST_RUNS: GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs, where workflow_id
 *   may be the workflow's file name, lists that file's runs newest first; `branch` keeps the
 *   runs whose head_branch is it, `event` those of that event, `per_page` bounds the page
 *   (https://docs.github.com/en/rest/actions/workflow-runs#list-workflow-runs-for-a-workflow).
 *   A run in progress is listed too (status `in_progress`).
 * - RUN_ARTIFACTS: GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts lists the run's
 *   artifacts with `id`, `name` and `expired`; `name` keeps those of that exact name; an
 *   unknown run is 404 (https://docs.github.com/en/rest/actions/artifacts#list-workflow-run-artifacts).
 * - DOWNLOAD_REDIRECT: GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/zip answers
 *   302 with a `Location` "redirect URL to download an archive" (an expired artifact: 410 Gone)
 *   (https://docs.github.com/en/rest/actions/artifacts#download-an-artifact). The archive holds
 *   the uploaded directory's files at its root, as actions/upload-artifact packs a directory
 *   (https://github.com/actions/upload-artifact#upload-an-entire-directory).
 * - SIGNED_URL: the redirect points at another host whose URL carries its own signature and
 *   expires after a minute; a request that also carries an Authorization header is refused
 *   (Azure Blob Storage, which serves it, takes one authorization mechanism per request:
 *   https://learn.microsoft.com/en-us/rest/api/storageservices/authorize-requests-to-azure-storage).
 *   So a client that forwarded the run's token to it fails, as it would on GitHub.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import * as path from "node:path";
import type { IncomingMessage } from "node:http";

/** A run of a workflow file, with the store its artifacts were uploaded to (a directory per artifact). */
export interface ActionsRun {
  readonly id: number;
  /** The workflow's file name (`.github/workflows/<it>`). */
  readonly workflow: string;
  readonly event: string;
  readonly head_branch: string;
  status: "in_progress" | "completed";
  /** When the run was created (ISO 8601), for the answer; the list is ordered by id, newest first. */
  readonly created_at: string;
  /** The run's artifact store: each directory in it is an artifact of that name. */
  readonly store: string;
  /** Artifacts past their retention (DOWNLOAD_REDIRECT: 410). */
  readonly expired?: ReadonlySet<string>;
}

/** What a route answers: a JSON body, or raw bytes, with extra headers (a redirect's Location). */
export type RawAnswer = [number, unknown, Record<string, string>?];

const ARTIFACT_ID_STRIDE = 1000;
const SIGNATURE = "sig=stand-in";

function artifactsOf(run: ActionsRun): string[] {
  return existsSync(run.store) ? readdirSync(run.store).sort() : [];
}

/**
 * The routes of the runs API under `base` (`/repos/{owner}/{repo}`), for a request the caller
 * already authorised; `blobOrigin` is the other host a download redirects to. Undefined: not a
 * route of this API.
 */
export function actionsRunsRoute(runs: readonly ActionsRun[], base: string, u: URL, blobOrigin: string): RawAnswer | undefined {
  const list = new RegExp(`^${base}/actions/workflows/([^/]+)/runs$`).exec(u.pathname);
  if (list) {
    const [branch, event] = ["branch", "event"].map((k) => u.searchParams.get(k));
    const perPage = Number(u.searchParams.get("per_page") ?? 30);
    const found = runs
      .filter((r) => r.workflow === decodeURIComponent(list[1]) && (!branch || r.head_branch === branch) && (!event || r.event === event))
      .sort((a, b) => b.id - a.id);
    return [
      200,
      {
        total_count: found.length,
        workflow_runs: found.slice(0, perPage).map((r) => ({
          id: r.id,
          event: r.event,
          head_branch: r.head_branch,
          status: r.status,
          created_at: r.created_at,
          path: `.github/workflows/${r.workflow}`,
        })),
      },
    ];
  }
  const artifacts = new RegExp(`^${base}/actions/runs/(\\d+)/artifacts$`).exec(u.pathname);
  if (artifacts) {
    const run = runs.find((r) => r.id === Number(artifacts[1]));
    if (!run) return [404, { message: "Not Found" }];
    const name = u.searchParams.get("name");
    const listed = artifactsOf(run)
      .map((n, i) => ({ id: run.id * ARTIFACT_ID_STRIDE + i, name: n, expired: run.expired?.has(n) ?? false }))
      .filter((a) => !name || a.name === name);
    return [200, { total_count: listed.length, artifacts: listed }];
  }
  const zip = new RegExp(`^${base}/actions/artifacts/(\\d+)/zip$`).exec(u.pathname);
  if (zip) {
    const id = Number(zip[1]);
    const run = runs.find((r) => r.id === Math.floor(id / ARTIFACT_ID_STRIDE));
    const name = run ? artifactsOf(run)[id % ARTIFACT_ID_STRIDE] : undefined;
    if (!run || !name) return [404, { message: "Not Found" }];
    if (run.expired?.has(name)) return [410, { message: "Artifact has expired" }];
    return [302, "", { location: `${blobOrigin}/blob/${id}?${SIGNATURE}` }];
  }
  return undefined;
}

/** The signed download the redirect names (SIGNED_URL): the archive, or a refusal when a token came along. */
export function blobRoute(runs: readonly ActionsRun[], req: IncomingMessage, u: URL): RawAnswer | undefined {
  const m = /^\/blob\/(\d+)$/.exec(u.pathname);
  if (!m) return undefined;
  if (req.headers.authorization) return [400, { message: "only one authorization mechanism is allowed" }];
  if (u.search !== `?${SIGNATURE}`) return [403, { message: "signature missing or wrong" }];
  const id = Number(m[1]);
  const run = runs.find((r) => r.id === Math.floor(id / ARTIFACT_ID_STRIDE));
  const name = run ? artifactsOf(run)[id % ARTIFACT_ID_STRIDE] : undefined;
  if (!run || !name) return [404, { message: "Not Found" }];
  return [200, execFileSync("zip", ["-q", "-r", "-", "."], { cwd: path.join(run.store, name) })];
}
