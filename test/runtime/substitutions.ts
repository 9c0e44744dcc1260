/**
 * Everything the runtime suite does differently from a GitHub-hosted runner, in one
 * place. The generated `run:` scripts themselves run unchanged; only these stand-ins:
 *
 * 1. `aws-actions/configure-aws-credentials`: instead of an OIDC token exchanged for the
 *    role, the step sets credentials that the S3 gateway maps to the same role, whose
 *    requests it then authorises with the stack's own policies (test/runtime/services/s3.ts).
 * 2. `actions/checkout`: writes the files the program would commit (the fleet manifest)
 *    into the job's workspace, or, given none, is skipped. A test of one tenant narrows
 *    the manifest's batch to that tenant (test/runtime/harness.ts); the batch tests run the
 *    stack's own batches.
 * 3. The Postgres client install (the step named PG_CLIENT_STEP_NAME, apt.postgresql.org):
 *    skipped; this machine's client and server (Debian's, one major) are used, so a
 *    tenant's `pg` in the matrix becomes this machine's major.
 * 4. The drill's `services.postgres` container: a local cluster, reached as `localhost`
 *    through PGPORT.
 * 5. The AWS CLI is Debian's awscli 2.9.19 with test/runtime/awscli/tf_cli_compat.py, which
 *    adds the two things it predates (`--if-none-match`, AWS_ENDPOINT_URL); GitHub's
 *    runners carry a current CLI v2 that has both.
 * 6. BACKUP_PART_BYTES, when a test asks: lowered so a dump of a few MB spans several parts.
 * 8. s3rver encrypts its listing continuation tokens with DES, which needs Node's legacy
 *    OpenSSL provider: `npm run test:runtime` sets NODE_OPTIONS=--openssl-legacy-provider.
 * 7. GITHUB_API_URL and GITHUB_SERVER_URL point at the suite's GitHub API stand-in, and
 *    NEON_API (the dev workflows' job variable) at its Neon API stand-in
 *    (test/runtime/services/fakeApis.ts); tokens and keys are fixed test strings.
 * 9. `sleep`, when a test asks: returns at once, so polling loops (a branch that never
 *    becomes ready: 60 polls 2 s apart) run their full count in no time.
 * 11. `actions/upload-artifact` and `actions/download-artifact` (the batches' results for
 *    their wave's gate or the record job): a directory per artifact in the run's store (a
 *    name the run already has is refused unless `overwrite: true`, UPLOAD_CONFLICT; nothing
 *    at the path uploads no artifact, NO_FILES); a
 *    download by pattern merges the matching ones, as `merge-multiple` does; a download with
 *    `run-id` (a retry) reads the store the suite kept for that run id.
 * 10. SSM Parameter Store (region scope): the S3 gateway answers GetParameter for the
 *    parameters a test puts, authorised by the stack's role and key policies
 *    (test/runtime/services/s3.ts); the CLI reaches it through AWS_ENDPOINT_URL like S3.
 * 12. This repository's own workflows (the drift workflow), when a test gives `repository`:
 *    `actions/checkout` links this checkout's top-level entries into the job's workspace;
 *    `actions/setup-node` puts the Node running the suite (22, as the workflow asks) first on
 *    PATH; the install step named DEPENDENCIES_STEP_NAME (`npm ci`) is skipped, this checkout's
 *    node_modules (installed by `npm ci` from the same lockfile) standing in, since running it
 *    would replace them; `actions/create-github-app-token` outputs a fixed test token.
 * 13. The Pulumi CLI, when a test gives `pulumi`: `pulumi/actions` (install only) puts
 *    recordedPulumi's stand-in first on PATH instead of the CLI. It answers exactly the drift
 *    workflow's `pulumi preview --stack S --refresh --expect-no-changes --json ...` with a
 *    recorded PreviewDigest and exit status, and refuses every other command. A preview that
 *    proposes changes under --expect-no-changes fails with Pulumi's one error status, 255
 *    (https://github.com/pulumi/pulumi/issues/8992: "uses a single exit code for both cases").
 * 14. NEON_API_URL, when a test gives the `neonApi` endpoint: the project's own Neon client
 *    (src/operations/neonApi.ts) talks to the suite's Neon organisation stand-in.
 * 15. The GitHub CLI, when a test gives `github` (the signup test): this machine has no `gh`;
 *    test/runtime/gh/gh.mjs, first on PATH, makes the REST or GraphQL call the real CLI makes for
 *    each invocation the signup scripts use, against the suite's GitHub stand-in
 *    (test/runtime/services/githubRepo.ts), and refuses any other.
 * 16. `actions/checkout` of GitHub's repository (`github`): a git clone of the suite's bare
 *    repository (origin is its path, not https://github.com/...) at `ref` (default: the run's
 *    commit) into `path`, every branch with `fetch-depth: 0` and the one commit otherwise, as
 *    the action does; this checkout's node_modules (and policies/node_modules) are linked in, and
 *    every `npm ci` step is skipped (the same lockfile installed them), and so is the fast path's
 *    install of the deployed commit's checker (CHECKER_INSTALL). The bubblewrap install
 *    step (sudo apt-get) is skipped: this machine's bwrap is used.
 * 17. `actions/create-github-app-token` (`github`): a token per App, from its client id, that
 *    the GitHub stand-in knows as that App's bot.
 * 18. `pulumi/actions` with `command: up` (`github`): the test's `pulumiUp` stands in for the
 *    update (the program under Pulumi's mock runtime, test/program.ts; each tenant's database
 *    created in the suite's PostgreSQL), and a `pulumi` first on PATH answers
 *    `pulumi stack output --json` with the outputs that update left; deploy.yml's `npm test`
 *    step is skipped (the offline suite runs on every commit in its own workflow).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { ACTIONS, PG_CLIENT_STEP_NAME } from "../../src/plan/workflows/render";
import { DEPENDENCIES_STEP_NAME, DRIFT_ACTIONS } from "../../src/operations/driftWorkflow";
import { OPERATION_ACTIONS } from "../../src/operations/workflows";
import { NEON_API_URL_VARIABLE } from "../../src/operations/neonApi";

/** The GitHub App token the drift workflow's token step outputs here (12). */
export const TEST_APP_TOKEN = "ghs_drift_app_read_only";

/** The steps of this repository's own workflows that cannot run here (12). */
function ownRepositoryStep(
  step: { name?: string; uses?: string; run?: string },
  ctx: { env: Record<string, string> },
  repository: string,
): Substitute | undefined {
  if (step.uses === ACTIONS.checkout.uses) return { kind: "link", from: repository, why: `checkout of ${repository}` };
  if (step.uses === OPERATION_ACTIONS.setupNode.uses)
    return { kind: "env", env: { PATH: `${path.dirname(process.execPath)}:${ctx.env.PATH}` }, why: `Node ${process.version}` };
  if (step.name === DEPENDENCIES_STEP_NAME && step.run?.trim() === "npm ci") return { kind: "skip", why: "this checkout's node_modules" };
  if (step.uses === DRIFT_ACTIONS.createAppToken.uses) return { kind: "outputs", outputs: { token: TEST_APP_TOKEN }, why: "a fixed App token" };
  return undefined;
}

/**
 * The Pulumi CLI stand-in (13): a bash script `pulumi` in `dir` that answers the drift preview
 * with `dir/recording.json` on stdout and `dir/recording.exit` as its status (a test writes
 * both per night), keeping its arguments in `dir/preview.args`; answers `stack export --file F`
 * with the state the recording was refreshed from (its steps' old states, in the export's
 * shape: `{version: 3, deployment: {resources: [{urn, type, custom, inputs, outputs}]}}`, Pulumi's
 * apitype.UntypedDeployment and ResourceV3); and refuses anything else with status 2.
 */
export function recordedPulumi(dir: string): { record(previewJson: string, exit: number): void } {
  mkdirSync(dir, { recursive: true });
  const script = [
    "#!/usr/bin/env bash",
    'here="$(dirname "$0")"',
    'if [ "$1" = preview ] && [[ " $* " == *" --refresh "* ]] && [[ " $* " == *" --expect-no-changes "* ]] && [[ " $* " == *" --json "* ]]; then',
    '  echo "$*" > "${here}/preview.args"',
    '  cat "${here}/recording.json"',
    '  code="$(cat "${here}/recording.exit")"',
    '  if [ "${code}" != 0 ]; then echo "error: no changes were expected but changes were proposed" >&2; fi',
    '  exit "${code}"',
    "fi",
    'if [ "$1" = stack ] && [ "$2" = export ] && [ "$5" = --file ] && [ "$#" = 6 ]; then',
    "  jq '{version: 3, deployment: {resources: [.steps[] | select(.oldState) | {urn, type: .oldState.type, custom: true, inputs: .oldState.inputs, outputs: .oldState.outputs}]}}' \\",
    '    "${here}/recording.json" > "$6"',
    "  exit",
    "fi",
    'echo "pulumi stand-in (test/runtime/substitutions.ts): only the drift preview and its state export are recorded; refused: pulumi $*" >&2',
    "exit 2",
    "",
  ].join("\n");
  writeFileSync(path.join(dir, "pulumi"), script, { mode: 0o755 });
  return {
    record(previewJson, exit) {
      writeFileSync(path.join(dir, "recording.json"), previewJson);
      writeFileSync(path.join(dir, "recording.exit"), String(exit));
    },
  };
}

export type Substitute =
  | { kind: "skip"; why: string }
  | { kind: "link"; from: string; why: string }
  | { kind: "outputs"; outputs: Record<string, string>; why: string }
  | { kind: "env"; env: Record<string, string>; why: string }
  | { kind: "files"; files: Record<string, string>; why: string }
  | { kind: "copy"; from: string[]; to: string; why: string }
  | { kind: "call"; run: (workspace: string) => Promise<{ output: string; env?: Record<string, string> }>; why: string };

/** GitHub's repository as the signup test gives it (15-18). */
export interface GithubRepository {
  /** The bare repository. */
  readonly bare: string;
  /** The commit the run is for: a checkout without `ref` takes it. */
  readonly sha: string;
  /** The token the stand-in knows as the App with this client id, and the App's slug (17). */
  readonly app: (clientId: string) => { token: string; slug: string };
  /** The update of `pulumi up` for a stack, in a checkout: what it printed and the stack's outputs (18). */
  readonly pulumiUp?: (workspace: string, stack: string) => Promise<{ output: string; outputs: Record<string, unknown> }>;
  /** Where each stack's outputs are kept (`<stack>.json`), as the state backend would (18). */
  readonly pulumiState: string;
}

const GH_STAND_IN = path.join(__dirname, "gh", "gh.mjs");
const PROJECT_ROOT = path.resolve(__dirname, "..", "..");

/** A checkout of GitHub's repository (16): `git init` and a fetch of the one ref, deep or the commit alone. */
function cloneOf(github: GithubRepository, to: string, ref: string, deep: boolean, hardLinks: boolean): string {
  mkdirSync(to, { recursive: true });
  const git = (...args: string[]) => execFileSync("git", args, { cwd: to, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  git("init", "--quiet", "--initial-branch=main");
  git("remote", "add", "origin", github.bare);
  const url = `file://${github.bare}`;
  if (deep) git("fetch", "--quiet", url, "+refs/heads/*:refs/remotes/origin/*");
  git("fetch", "--quiet", ...(deep ? [] : ["--depth", "1"]), url, ref);
  git("checkout", "--quiet", "--detach", "FETCH_HEAD");
  for (const dir of ["", "policies"]) {
    const modules = path.join(PROJECT_ROOT, dir, "node_modules");
    if (!existsSync(modules) || !existsSync(path.join(to, dir))) continue;
    // A directory, as npm ci makes it (.gitignore's `node_modules/` matches directories only): in a sub-folder
    // checkout (tenant-diff's head, planned in a sandbox that sees that folder only) a tree of hard links,
    // elsewhere links to the installed packages.
    if (hardLinks) execFileSync("cp", ["-al", modules, path.join(to, dir, "node_modules")]);
    else {
      mkdirSync(path.join(to, dir, "node_modules"));
      for (const entry of readdirSync(modules)) symlinkSync(path.join(modules, entry), path.join(to, dir, "node_modules", entry));
    }
  }
  return git("rev-parse", "HEAD").trim();
}

/** The steps that differ when a job works on GitHub's repository (15-18). */
function githubRepositoryStep(
  step: { name?: string; uses?: string; run?: string },
  ctx: { with: Record<string, string>; env: Record<string, string> },
  github: GithubRepository,
  bin: string,
): Substitute | undefined {
  if (step.uses === ACTIONS.checkout.uses) {
    const ref = ctx.with.ref ?? github.sha;
    return {
      kind: "call",
      run: (workspace) =>
        Promise.resolve({
          output: `HEAD ${cloneOf(github, path.join(workspace, ctx.with.path ?? ""), ref, ctx.with["fetch-depth"] === "0", ctx.with.path !== undefined)}\n`,
        }),
      why: `checkout of ${ref}${ctx.with.path ? ` into ${ctx.with.path}` : ""}`,
    };
  }
  if (step.uses === OPERATION_ACTIONS.setupNode.uses)
    return { kind: "env", env: { PATH: `${path.dirname(process.execPath)}:${ctx.env.PATH}` }, why: `Node ${process.version}` };
  if (step.run !== undefined && /(^|&& )npm ci\b/m.test(step.run)) return { kind: "skip", why: "this checkout's node_modules, linked at checkout" };
  if (step.run?.trim() === "npm test") return { kind: "skip", why: "the offline suite runs on every commit in its own workflow" };
  if (step.run?.includes("apt-get install -y -q --no-install-recommends bubblewrap")) return { kind: "skip", why: "this machine's bwrap" };
  if (step.uses === DRIFT_ACTIONS.createAppToken.uses)
    return {
      kind: "outputs",
      outputs: { token: github.app(ctx.with["client-id"]).token, "app-slug": github.app(ctx.with["client-id"]).slug },
      why: `the token of App ${ctx.with["client-id"]}`,
    };
  if (step.uses === OPERATION_ACTIONS.pulumi.uses && ctx.with.command === "up" && github.pulumiUp) {
    const up = github.pulumiUp;
    return {
      kind: "call",
      run: async (workspace) => {
        const done = await up(workspace, ctx.with["stack-name"]);
        writeFileSync(path.join(github.pulumiState, `${ctx.with["stack-name"]}.json`), JSON.stringify(done.outputs));
        return { output: done.output, env: { PATH: `${bin}:${ctx.env.PATH}` } };
      },
      why: `pulumi up --stack ${ctx.with["stack-name"]}`,
    };
  }
  return undefined;
}

/** A `gh` (15) and a `pulumi` answering `stack output --stack S --json [NAME]` from the kept outputs (18), in `bin`. */
function githubTools(bin: string, state: string): void {
  mkdirSync(bin, { recursive: true });
  writeFileSync(path.join(bin, "gh"), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(GH_STAND_IN)} "$@"\n`, { mode: 0o755 });
  const pulumi = [
    "#!/usr/bin/env bash",
    `state=${JSON.stringify(state)}`,
    'if [ "$1 $2" = "stack output" ] && [ "$3" = --stack ] && [ "$5" = --json ]; then',
    '  if [ ! -f "${state}/$4.json" ]; then echo "error: no stack named \'$4\' found" >&2; exit 255; fi',
    '  if [ -n "${6:-}" ]; then jq --arg name "$6" \'.[$name]\' "${state}/$4.json"; else cat "${state}/$4.json"; fi',
    "  exit 0",
    "fi",
    'echo "pulumi stand-in (test/runtime/substitutions.ts, 18): only stack output --json after an update; refused: pulumi $*" >&2',
    "exit 2",
    "",
  ].join("\n");
  writeFileSync(path.join(bin, "pulumi"), pulumi, { mode: 0o755 });
}

export interface Substitutions {
  forStep(step: { name?: string; uses?: string }, ctx: { with: Record<string, string>; matrix: unknown; env: Record<string, string> }): Substitute | undefined;
  jobEnv(env: Record<string, string>): Record<string, string>;
}

/** Debian's AWS CLI (awscli package); the one the suite runs. */
export const AWS_CLI = "/usr/bin/aws";

/** A matrix entry as this machine runs it: the tenant's Postgres major becomes the local one (3). */
export function localMatrix<T extends { pg?: number | string }>(entry: T, localMajor: string): T {
  return { ...entry, pg: Number(localMajor) };
}

export interface RunnerSetup {
  /** Environment every step gets: PATH with the AWS CLI, its config, the endpoints. */
  readonly env: Record<string, string>;
  readonly substitutions: (options?: {
    partBytes?: number;
    neonApi?: string;
    credentialsFor?: (roleArn: string) => Record<string, string>;
    files?: Record<string, string>;
    artifacts?: string;
    artifactsOf?: (runId: string) => string | undefined;
    /** This repository, checked out (12). */
    repository?: string;
    /** The folder of recordedPulumi's stand-in (13). */
    pulumi?: string;
    /** GitHub's repository (15-18). */
    github?: GithubRepository;
  }) => Substitutions;
}

export function runnerSetup(
  endpoints: { s3?: string; drillPgPort?: number; githubApi?: string; neonApi?: string },
  options: { instantSleep?: boolean } = {},
): RunnerSetup {
  if (!existsSync(AWS_CLI)) throw new Error(`${AWS_CLI} is missing: .ci/run installs Debian's awscli package (apt-get install awscli)`);
  const home = mkdtempSync(path.join(tmpdir(), "tf-runner-home-"));
  const bin = path.join(home, "bin");
  mkdirSync(bin);
  symlinkSync(AWS_CLI, path.join(bin, "aws"));
  if (options.instantSleep) writeFileSync(path.join(bin, "sleep"), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
  const config = path.join(home, "aws-config");
  writeFileSync(config, `[default]\ncli_pager =\n[plugins]\ncli_legacy_plugin_path = ${path.join(__dirname, "awscli")}\ntfcompat = tf_cli_compat\n`);
  const env: Record<string, string> = {
    PATH: `${bin}:/usr/local/bin:/usr/bin:/bin`,
    HOME: home,
    LANG: "C.UTF-8",
    AWS_CONFIG_FILE: config,
    AWS_SHARED_CREDENTIALS_FILE: path.join(home, "no-credentials"),
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_PAGER: "",
    ...(endpoints.s3 ? { AWS_ENDPOINT_URL: endpoints.s3 } : {}),
    ...(endpoints.drillPgPort ? { PGPORT: String(endpoints.drillPgPort) } : {}),
    ...(endpoints.neonApi ? { [NEON_API_URL_VARIABLE]: endpoints.neonApi } : {}),
    ...(endpoints.githubApi
      ? { GITHUB_API_URL: endpoints.githubApi, GITHUB_SERVER_URL: "https://github.com" }
      : { GITHUB_API_URL: "http://127.0.0.1:9", GITHUB_SERVER_URL: "https://github.com" }),
  };
  const runnerEnvPath = env.PATH;
  return {
    env,
    substitutions: (options = {}) => {
      const githubBin = options.github ? mkdtempSync(path.join(tmpdir(), "tf-github-tools-")) : "";
      if (options.github) githubTools(githubBin, options.github.pulumiState);
      return {
        forStep(step, ctx) {
          if (options.github) {
            const own = githubRepositoryStep(step, ctx, options.github, githubBin);
            if (own) return own;
          }
          if (step.uses === ACTIONS.configureAwsCredentials.uses) {
            if (!options.credentialsFor) throw new Error("this job assumes an AWS role; give the suite's S3 service");
            const region = ctx.with["aws-region"];
            return {
              kind: "env",
              env: { ...options.credentialsFor(ctx.with["role-to-assume"]), AWS_REGION: region, AWS_DEFAULT_REGION: region },
              why: `credentials of ${ctx.with["role-to-assume"]}`,
            };
          }
          if (options.repository) {
            const own = ownRepositoryStep(step, ctx, options.repository);
            if (own) return own;
          }
          if (options.pulumi && step.uses === OPERATION_ACTIONS.pulumi.uses)
            return { kind: "env", env: { PATH: `${options.pulumi}:${ctx.env.PATH}` }, why: "the recorded pulumi stand-in, first on PATH" };
          if (step.uses === ACTIONS.checkout.uses)
            return options.files
              ? { kind: "files", files: options.files, why: `checkout of ${Object.keys(options.files).join(", ")}` }
              : { kind: "skip", why: "checkout" };
          if (step.name === PG_CLIENT_STEP_NAME) return { kind: "skip", why: "this machine's Postgres client" };
          if (step.uses === ACTIONS.uploadArtifact.uses || step.uses === ACTIONS.downloadArtifact.uses) {
            if (!options.artifacts) throw new Error("this job keeps or reads artifacts; give the run an artifact store");
            // UPLOAD_CONFLICT: an artifact's name is the run's (every attempt's); upload-artifact v4+ refuses a
            // second upload of a name the run has unless `overwrite: true` ("Unable to upload an artifact with the
            // same name ... multiple times": https://github.com/actions/upload-artifact#not-uploading-to-the-same-artifact).
            if (step.uses === ACTIONS.uploadArtifact.uses && existsSync(path.join(options.artifacts, ctx.with.name)) && String(ctx.with.overwrite) !== "true")
              return {
                kind: "call",
                run: () => Promise.reject(new Error(`Failed to CreateArtifact: (409) Conflict: an artifact with this name already exists on the workflow run`)),
                why: `artifact ${ctx.with.name}, already uploaded by this run`,
              };
            // NO_FILES: nothing at the path uploads no artifact; `if-no-files-found: error` fails the step, the
            // default `warn` and `ignore` do not (https://github.com/actions/upload-artifact#inputs).
            const source = step.uses === ACTIONS.uploadArtifact.uses ? path.resolve(ctx.env.GITHUB_WORKSPACE ?? ".", ctx.with.path) : "";
            if (source && (!existsSync(source) || (statSync(source).isDirectory() && readdirSync(source).length === 0)))
              return ctx.with["if-no-files-found"] === "error"
                ? { kind: "call", run: () => Promise.reject(new Error(`No files were found with the provided path: ${ctx.with.path}`)), why: "no files" }
                : { kind: "skip", why: `no files at ${ctx.with.path}: no artifact ${ctx.with.name}` };
            if (step.uses === ACTIONS.uploadArtifact.uses)
              // A relative path is the workspace's.
              return {
                kind: "copy",
                from: [path.resolve(ctx.env.GITHUB_WORKSPACE ?? ".", ctx.with.path)],
                to: path.join(options.artifacts, ctx.with.name),
                why: `artifact ${ctx.with.name}`,
              };
            const pattern = new RegExp(`^${ctx.with.pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`);
            // Another run's artifacts (a retry): the store kept for that run id, or none.
            const store = ctx.with["run-id"] ? options.artifactsOf?.(ctx.with["run-id"]) : options.artifacts;
            const names = store ? readdirSync(store).filter((n) => pattern.test(n)) : [];
            return {
              kind: "copy",
              from: names.map((n) => path.join(store!, n)),
              to: ctx.with.path,
              why: `artifacts ${names.join(", ") || "(none)"}${ctx.with["run-id"] ? ` of run ${ctx.with["run-id"]}` : ""}`,
            };
          }
          return undefined;
        },
        jobEnv(env) {
          const out = { ...env };
          // The gh stand-in first on PATH (15).
          if (options.github) out.PATH = `${githubBin}:${env.PATH ?? runnerEnvPath}`;
          // The fast path's checker of the deployed commit installs its packages with CHECKER_INSTALL (16: linked, same lockfile).
          if (options.github) out.CHECKER_INSTALL = `ln -s ${path.join(PROJECT_ROOT, "node_modules")} node_modules`;
          if (options.partBytes !== undefined && out.BACKUP_PART_BYTES !== undefined) out.BACKUP_PART_BYTES = String(options.partBytes);
          if (options.neonApi !== undefined && out.NEON_API !== undefined) out.NEON_API = options.neonApi;
          return out;
        },
      };
    },
  };
}
