/**
 * The runner's GitHub rules (test/runtime/actions.ts, where each cites GitHub's page), one test
 * each, on tiny hand-written workflows: no service, only bash. A runner more lenient than
 * GitHub lets a generated workflow pass here and fail there (issue 32: the migrations' later
 * waves skipped after an empty canary), so each rule is held to what GitHub does.
 */
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { MAX_ANNOTATIONS_PER_JOB, MAX_ANNOTATIONS_PER_STEP, MAX_MATRIX_ENTRIES, runJob, runWorkflow, type RunContext, type WorkflowRun } from "./actions";
import { runnerSetup, type Substitutions } from "./substitutions";
import { ACTIONS } from "../../src/plan/workflows/actions";

/** Nothing to stand in for: every step is a `run:`. */
const NONE: Substitutions = { forStep: () => undefined, jobEnv: (env) => env };
const CTX: Omit<RunContext, "needs" | "run"> = {
  repository: "example/app",
  ref: "refs/heads/main",
  vars: {},
  secrets: { TOKEN: "s3cr3t-value" },
  runnerEnv: { PATH: "/usr/bin:/bin" },
};

type Job = { needs?: string[]; if?: string; outputs?: Record<string, string>; strategy?: object; steps?: object[]; environment?: string | object };
const workflow = (jobs: Record<string, Job>) =>
  stringify({
    name: "rules",
    on: "push",
    jobs: Object.fromEntries(Object.entries(jobs).map(([id, j]) => [id, { "runs-on": "ubuntu-24.04", steps: [{ run: "true" }], ...j }])),
  });
const run = (jobs: Record<string, Job>, options: Parameters<typeof runWorkflow>[3] = {}) => runWorkflow(workflow(jobs), CTX, NONE, options);
const results = (r: WorkflowRun) => Object.fromEntries(Object.entries(r.jobs).map(([id, j]) => [id, j.result]));
const FAIL = [{ run: "exit 1" }];

describe("needs and if", () => {
  it("skips a job without a status function when an ancestor it needs only through another job failed (NEEDS)", async () => {
    const r = await run({ a: { steps: FAIL }, b: { needs: ["a"], if: "always()" }, c: { needs: ["b"] } });
    // b ran and succeeded, yet c is skipped: success() looks at every ancestor, a included.
    expect(results(r)).toEqual({ a: "failure", b: "success", c: "skipped" });
  });

  it("skips it too when that ancestor was skipped, and runs it when its if says which results it accepts", async () => {
    const r = await run({
      a: { if: "false" },
      b: { needs: ["a"], if: "always()" },
      c: { needs: ["b"], if: "needs.b.result == 'success'" },
      d: { needs: ["b"], if: "!cancelled() && needs.b.result == 'success'" },
    });
    expect(results(r)).toEqual({ a: "skipped", b: "success", c: "skipped", d: "success" });
  });

  it("gives failure() true when any ancestor failed, and always() true whatever happened (IMPLICIT_SUCCESS)", async () => {
    const r = await run({
      a: { steps: FAIL },
      b: { needs: ["a"], if: "always()" },
      c: { needs: ["b"], if: "failure()" },
      d: { needs: ["b"], if: "success()" },
      e: { needs: ["d"], if: "always()" },
    });
    expect(results(r)).toEqual({ a: "failure", b: "success", c: "success", d: "skipped", e: "success" });
  });

  it("reads a status function's name from the expression's tokens, not from a string in it", async () => {
    const r = await run({ a: { steps: FAIL }, b: { needs: ["a"], if: "contains('always() failure()', 'always')" }, c: { needs: ["a"], if: "Always()" } });
    expect(results(r)).toEqual({ a: "failure", b: "skipped", c: "success" });
  });

  it("cancels the running job and every later job whose condition is false once the run is cancelled; always() goes on (CANCEL)", async () => {
    const r = await run(
      {
        a: {},
        b: { needs: ["a"] },
        c: { needs: ["b"], if: "!cancelled()" },
        d: { needs: ["b"], if: "always() && needs.b.result == 'cancelled'" },
        e: { needs: ["a"], if: "cancelled()" },
      },
      { cancelDuring: "b" },
    );
    expect(results(r)).toEqual({ a: "success", b: "cancelled", c: "cancelled", d: "success", e: "success" });
  });

  it("shows a need's result as success, failure, skipped or cancelled in the needs context (RESULTS)", async () => {
    const r = await run({
      ok: {},
      bad: { steps: FAIL },
      off: { if: "false" },
      all: {
        needs: ["ok", "bad", "off"],
        if: "always()",
        steps: [{ id: "r", run: 'echo "seen=${{ needs.ok.result }} ${{ needs.bad.result }} ${{ needs.off.result }}" >> "$GITHUB_OUTPUT"' }],
      },
    });
    expect(r.jobs.all.runs[0].steps[0].outputs.seen).toBe("success failure skipped");
  });

  it("gives a run's first attempt github.run_attempt '1' (RUN_ATTEMPT), as a job's if and environment see it", async () => {
    const r = await run({ a: { if: "github.run_attempt == '1'" }, b: { if: "github.run_attempt != '1'" } });
    expect(results(r)).toEqual({ a: "success", b: "skipped" });
  });

  it("lets a job's if read github, needs, vars and inputs only: a matrix in it is refused (JOB_IF_CONTEXTS)", async () => {
    await expect(run({ a: { if: "matrix.x == 1", strategy: { matrix: { x: [1] } } } })).rejects.toThrow(/matrix/);
  });
});

describe("steps", () => {
  it("keeps a continue-on-error step's outcome failure and its conclusion success; the job succeeds (RESULTS)", async () => {
    const r = await run({
      a: {
        steps: [
          { id: "x", run: "exit 3", "continue-on-error": true },
          { id: "y", if: "steps.x.outcome == 'failure' && steps.x.conclusion == 'success'", run: "echo seen" },
          { id: "z", if: "failure()", run: "echo not reached" },
        ],
      },
    });
    const job = r.jobs.a.runs[0];
    expect(job.result).toBe("success");
    expect(job.steps.map((s) => [s.outcome, s.conclusion])).toEqual([
      ["failure", "success"],
      ["success", "success"],
      ["skipped", "skipped"],
    ]);
  });

  it("runs a later step after a failure only with failure() or always()", async () => {
    const r = await run({
      a: { steps: [{ run: "exit 1" }, { run: "echo plain" }, { if: "failure()", run: "echo failure" }, { if: "always()", run: "echo always" }] },
    });
    expect(r.jobs.a.runs[0].steps.map((s) => s.outcome)).toEqual(["failure", "skipped", "success", "success"]);
  });
});

describe("annotations", () => {
  it("keeps the first 10 errors and 10 warnings of a step: an 11th, however important, is not shown (ANNOTATIONS)", async () => {
    const lines = [
      ...Array.from({ length: 12 }, (_, i) => `echo "::error::tenant-${i + 1} failed"`),
      ...Array.from({ length: 12 }, (_, i) => `echo "::warning::note ${i + 1}"`),
      'echo "::error title=failed tenants::all twelve"',
    ];
    const r = await run({ a: { steps: [{ run: lines.join("\n") }] } });
    const job = r.jobs.a.runs[0];
    expect(job.annotations.filter((a) => a.level === "error").map((a) => a.message)).toEqual(
      Array.from({ length: MAX_ANNOTATIONS_PER_STEP }, (_, i) => `tenant-${i + 1} failed`),
    );
    expect(job.warnings).toHaveLength(MAX_ANNOTATIONS_PER_STEP);
    expect(job.annotations.some((a) => a.title === "failed tenants")).toBe(false);
    // The log keeps every line.
    expect(job.log).toContain("::error title=failed tenants::all twelve");
  });

  it("keeps 50 annotations per job over all its steps, and reads titles and escapes", async () => {
    const step = (s: number) => ({ run: Array.from({ length: 10 }, (_, i) => `echo "::error::step ${s} error ${i}"`).join("\n") });
    const r = await run({ a: { steps: [{ run: 'echo "::notice title=a%2Cb%3A c::line%0Anext 100%25"' }, ...[1, 2, 3, 4, 5, 6].map(step)] } });
    const job = r.jobs.a.runs[0];
    expect(job.annotations).toHaveLength(MAX_ANNOTATIONS_PER_JOB);
    expect(job.annotations[0]).toEqual({ level: "notice", title: "a,b: c", message: "line\nnext 100%", step: "step 1" });
    expect(job.annotations.at(-1)!.message).toBe("step 5 error 8");
  });

  it("drops a step summary over 1 MiB with an error annotation, and keeps each step's own (SUMMARY)", async () => {
    const r = await run({
      a: {
        steps: [
          { run: 'echo "first" >> "$GITHUB_STEP_SUMMARY"' },
          { run: 'head -c 1100000 /dev/zero | tr "\\0" x >> "$GITHUB_STEP_SUMMARY"' },
          { run: 'echo "third" >> "$GITHUB_STEP_SUMMARY"' },
        ],
      },
    });
    const job = r.jobs.a.runs[0];
    expect(job.summary).toBe("first\nthird\n");
    expect(job.errors).toEqual(["$GITHUB_STEP_SUMMARY upload aborted, supports content up to a size of 1024k, got 1075k."]);
  });
});

describe("job outputs", () => {
  it("passes on only what outputs: declares, evaluated at the job's end (OUTPUTS)", async () => {
    const r = await run({
      a: { outputs: { kept: "${{ steps.s.outputs.one }}" }, steps: [{ id: "s", run: 'echo "one=1" >> "$GITHUB_OUTPUT"; echo "two=2" >> "$GITHUB_OUTPUT"' }] },
      b: { needs: ["a"], steps: [{ id: "r", run: 'echo "seen=[${{ needs.a.outputs.kept }}][${{ needs.a.outputs.two }}]" >> "$GITHUB_OUTPUT"' }] },
    });
    expect(r.jobs.b.runs[0].steps[0].outputs.seen).toBe("[1][]");
  });

  it("fails a job whose outputs exceed 1 MB in UTF-16, and its dependants do not run", async () => {
    const r = await run({
      a: {
        outputs: { big: "${{ steps.s.outputs.big }}" },
        steps: [{ id: "s", run: 'echo "big=$(head -c 600000 /dev/zero | tr "\\0" x)" >> "$GITHUB_OUTPUT"' }],
      },
      b: { needs: ["a"] },
    });
    expect(results(r)).toEqual({ a: "failure", b: "skipped" });
    expect(r.jobs.a.runs[0].errors[0]).toMatch(/^Fail to evaluate job outputs: 1200006 bytes/);
  });

  it("leaves out an output that holds a secret, with a warning", async () => {
    const r = await run({ a: { outputs: { leak: "${{ secrets.TOKEN }}", fine: "ok" } } });
    expect(r.jobs.a.runs[0].outputs).toEqual({ fine: "ok" });
    expect(r.jobs.a.runs[0].warnings).toEqual(["Skip output 'leak' since it may contain secret."]);
  });
});

describe("matrix", () => {
  const matrixJob = (n: number) => ({
    plan: { outputs: { list: "${{ steps.p.outputs.list }}" }, steps: [{ id: "p", run: `echo "list=$(seq 1 ${n} | jq -s -c .)" >> "$GITHUB_OUTPUT"` }] },
    each: { needs: ["plan"], strategy: { matrix: { n: "${{ fromJSON(needs.plan.outputs.list) }}" } }, steps: [{ if: "false", run: "true" }] },
  });

  it("runs 256 entries and fails a matrix of 257 before any entry runs (MATRIX)", async () => {
    const full = await run(matrixJob(MAX_MATRIX_ENTRIES));
    expect([full.jobs.each.result, full.jobs.each.runs.length]).toEqual(["success", MAX_MATRIX_ENTRIES]);
    const over = await run(matrixJob(MAX_MATRIX_ENTRIES + 1));
    expect([over.jobs.each.result, over.jobs.each.runs.length, over.jobs.each.error]).toEqual([
      "failure",
      0,
      "Error when evaluating 'strategy' for job 'each': Strategy expansion exceeded 256 results for job 'each'",
    ]);
  });

  it("fails an empty matrix rather than skipping it", async () => {
    const r = await run({ plan: {}, each: { needs: ["plan"], strategy: { matrix: { n: "${{ fromJSON('[]') }}" } } } });
    expect([r.jobs.each.result, r.jobs.each.error]).toEqual([
      "failure",
      "Error when evaluating 'strategy' for job 'each': Matrix vector 'n' does not contain any values",
    ]);
  });
});

describe("a job run on its own", () => {
  it("takes its direct needs as its ancestors", async () => {
    const text = workflow({ a: {}, b: { needs: ["a"] } });
    expect((await runJob(text, "b", undefined, { ...CTX, needs: { a: { result: "skipped" } } }, NONE)).result).toBe("skipped");
    expect((await runJob(text, "b", undefined, { ...CTX, needs: { a: { result: "success" } } }, NONE)).result).toBe("success");
  });
});

describe("a matrix given whole by an expression (MATRIX)", () => {
  it("runs one job per include entry, each entry's keys in matrix", async () => {
    const r = await run({
      plan: {
        outputs: { all: "${{ steps.s.outputs.all }}" },
        steps: [{ id: "s", run: `echo 'all={"include":[{"stack":"dev"},{"stack":"prod"}]}' >> "$GITHUB_OUTPUT"` }],
      },
      each: { needs: ["plan"], strategy: { matrix: "${{ fromJSON(needs.plan.outputs.all) }}" }, steps: [{ run: 'echo "stack=${{ matrix.stack }}"' }] },
    });
    expect(r.jobs.each.runs.map((j) => j.log.match(/stack=(\w+)/)?.[1])).toEqual(["dev", "prod"]);
  });

  it("fails one with no include entry", async () => {
    const r = await run({ each: { strategy: { matrix: "${{ fromJSON('{\"include\":[]}') }}" } } });
    expect([r.jobs.each.result, r.jobs.each.error]).toEqual([
      "failure",
      "Error when evaluating 'strategy' for job 'each': Matrix must define at least one vector",
    ]);
  });
});

describe("environments with required reviewers (REVIEWERS)", () => {
  const protection = { prod: { requiredReviewers: true }, dev: { requiredReviewers: false } };
  it("a job naming one waits for a reviewer's decision before it starts; one without reviewers does not wait", async () => {
    const asked: string[] = [];
    const r = await run(
      { dev: { environment: "dev" }, prod: { needs: ["dev"], environment: { name: "${{ 'pr' }}od" } } },
      { environments: { protection, review: (job, env) => (asked.push(`${job}@${env}`), Promise.resolve(true)) } },
    );
    expect(asked).toEqual(["prod@prod"]);
    expect(results(r)).toEqual({ dev: "success", prod: "success" });
    expect(r.jobs.prod.environment).toBe("prod");
  });

  it("a rejected job fails without running, and the jobs that need it are skipped", async () => {
    const r = await run(
      { prod: { environment: "prod", steps: [{ run: "echo ran" }] }, after: { needs: ["prod"] } },
      { environments: { protection, review: () => Promise.resolve(false) } },
    );
    expect(results(r)).toEqual({ prod: "failure", after: "skipped" });
    expect(r.jobs.prod.runs).toEqual([]);
  });
});

describe("where a step runs", () => {
  it("starts a run: step in its working-directory, relative to the workspace (WORKING_DIRECTORY)", async () => {
    const text = workflow({ a: { steps: [{ run: "mkdir -p sub/dir" }, { "working-directory": "sub/dir", run: 'echo "at=${PWD#$GITHUB_WORKSPACE}"' }] } });
    expect((await runJob(text, "a", undefined, CTX, NONE)).log).toContain("at=/sub/dir");
  });

  it("keeps RUNNER_TEMP and the runner's own files out of the workspace when the context asks (RUNNER_TEMP)", async () => {
    const text = workflow({
      a: { steps: [{ run: 'echo x > "$RUNNER_TEMP/t"; echo "listing=$(ls -A | tr "\\n" " ")"; [ "$RUNNER_TEMP" != "$GITHUB_WORKSPACE" ]' }] },
    });
    const own = await runJob(text, "a", undefined, { ...CTX, ownWorkspace: true }, NONE);
    expect(own.result, own.log).toBe("success");
    expect(own.log).toContain("listing=\n");
    expect((await runJob(text, "a", undefined, CTX, NONE)).result).toBe("failure");
  });
});

describe("artifacts (UPLOAD_CONFLICT)", () => {
  it("refuses a second upload of a name the run already has, unless it overwrites: a re-run is the same run", async () => {
    const store = mkdtempSync(path.join(tmpdir(), "tf-artifacts-"));
    const subs = runnerSetup({}).substitutions({ artifacts: store });
    const upload = (overwrite?: boolean) => ({
      uses: ACTIONS.uploadArtifact.uses,
      with: { name: "kept", path: "out/", ...(overwrite === undefined ? {} : { overwrite }) },
    });
    const text = workflow({
      a: { steps: [{ run: "mkdir -p out && echo 1 > out/x" }, upload(), upload(true)] },
      b: { steps: [{ run: "mkdir -p out && echo 2 > out/x" }, upload()] },
    });
    const first = await runJob(text, "a", undefined, CTX, subs);
    expect(first.result, first.log).toBe("success");
    const again = await runJob(text, "b", undefined, CTX, subs);
    expect(again.result).toBe("failure");
    expect(again.log).toContain("(409) Conflict: an artifact with this name already exists on the workflow run");
  });

  it("uploads no artifact when nothing is at the path (NO_FILES): ignore and warn pass, error fails", async () => {
    const store = mkdtempSync(path.join(tmpdir(), "tf-artifacts-"));
    const subs = runnerSetup({}).substitutions({ artifacts: store });
    const upload = (mode: string) => ({ uses: ACTIONS.uploadArtifact.uses, with: { name: `none-${mode}`, path: "missing/", "if-no-files-found": mode } });
    const text = workflow({ a: { steps: [upload("ignore"), upload("warn")] }, b: { steps: [upload("error")] } });
    expect((await runJob(text, "a", undefined, CTX, subs)).result).toBe("success");
    expect(readdirSync(store)).toEqual([]);
    expect((await runJob(text, "b", undefined, CTX, subs)).result).toBe("failure");
  });
});
