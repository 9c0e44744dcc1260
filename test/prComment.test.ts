/**
 * scripts/pr-comment.mjs against a local stand-in for GitHub's issue-comments API: one
 * comment per report, edited in place, nobody else's touched. And what of a pull request's
 * text reaches a comment (src/core/escape.ts): fenced and defanged, whatever it holds.
 */
import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mdCell, mdFence } from "../src/core/escape";
import { ROOT } from "./program";

interface Comment {
  id: number;
  body: string;
  user: { login: string };
}
const BOT = "github-actions[bot]";
const TOKEN = "ghs_test_token_value";

/** Issue comments of pull request 7 in o/r, with request counting. */
function fakeGithub() {
  const comments: Comment[] = [];
  const calls: string[] = [];
  let nextId = 1000;
  let refusePost = false;
  const body = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let b = "";
      req.on("data", (c) => (b += c));
      req.on("end", () => resolve(b));
    });
  const server = createServer(async (req, res) => {
    const url = new URL(req.url!, "http://x");
    calls.push(`${req.method} ${url.pathname}${url.search}`);
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(JSON.stringify(value));
    };
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return json(401, { message: "Bad credentials" });
    if (req.method === "GET" && url.pathname === "/repos/o/r/issues/7/comments") {
      const per = Number(url.searchParams.get("per_page"));
      const page = Number(url.searchParams.get("page"));
      return json(200, comments.slice((page - 1) * per, page * per));
    }
    if (req.method === "POST" && url.pathname === "/repos/o/r/issues/7/comments") {
      if (refusePost) return json(403, { message: "Resource not accessible by integration" });
      const c = { id: nextId++, body: JSON.parse(await body(req)).body, user: { login: BOT } };
      comments.push(c);
      return json(201, c);
    }
    const m = /^\/repos\/o\/r\/issues\/comments\/(\d+)$/.exec(url.pathname);
    if (req.method === "PATCH" && m) {
      const c = comments.find((x) => x.id === Number(m[1]));
      if (!c) return json(404, { message: "Not Found" });
      c.body = JSON.parse(await body(req)).body;
      return json(200, c);
    }
    json(404, { message: "Not Found" });
  });
  return { server, comments, calls, refuse: (on: boolean) => (refusePost = on) };
}

function run(api: string, dir: string, env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, "scripts/pr-comment.mjs"), "--from", dir], {
      env: { PATH: process.env.PATH, GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: "o/r", PR_NUMBER: "7", GITHUB_API_URL: api, ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

function reports(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "tf-comments-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.join(dir, name));
    writeFileSync(path.join(dir, name, "comment.md"), text);
  }
  return dir;
}

describe("pull-request comments", () => {
  const gh = fakeGithub();
  let api = "";
  beforeAll(async () => {
    await new Promise<void>((resolve) => gh.server.listen(0, "127.0.0.1", resolve));
    api = `http://127.0.0.1:${(gh.server.address() as AddressInfo).port}`;
    // 150 comments before ours, so that finding them takes two pages; a person quoting a
    // marker, and another stack's report, both of which must stay as they are.
    for (let i = 0; i < 150; i++) gh.comments.push({ id: i + 1, body: `chatter ${i}`, user: { login: "alice" } });
    gh.comments.push({ id: 200, body: "<!-- tenant-fleet:tenant-diff-prod -->\nfake report by a person", user: { login: "mallory" } });
    gh.comments.push({ id: 201, body: "<!-- tenant-fleet:preview-prod -->\nthe preview of prod", user: { login: BOT } });
  });
  afterAll(() => new Promise<void>((resolve) => gh.server.close(() => resolve())));

  it("posts one comment per report, then edits each in place, never another's", async () => {
    const first = await run(api, reports({ "tenant-diff-prod": "prod: 1 destructive change\n", "tenant-diff-dev": "dev: nothing\n" }));
    expect(first).toMatchObject({ code: 0, stderr: "" });
    expect(first.stdout).toBe("tenant-diff-dev: posted comment 1000\ntenant-diff-prod: posted comment 1001\n");
    expect(gh.calls.filter((c) => c.startsWith("GET"))).toEqual([
      "GET /repos/o/r/issues/7/comments?per_page=100&page=1",
      "GET /repos/o/r/issues/7/comments?per_page=100&page=2",
    ]);

    const second = await run(api, reports({ "tenant-diff-prod": "prod: acknowledged\n", "tenant-diff-dev": "dev: 2 safe changes\n" }));
    expect(second.stdout).toBe("tenant-diff-dev: updated comment 1000\ntenant-diff-prod: updated comment 1001\n");
    const byId = Object.fromEntries(gh.comments.map((c) => [c.id, c.body]));
    expect(byId[1000]).toBe("<!-- tenant-fleet:tenant-diff-dev -->\ndev: 2 safe changes\n");
    expect(byId[1001]).toBe("<!-- tenant-fleet:tenant-diff-prod -->\nprod: acknowledged\n");
    expect(byId[200]).toBe("<!-- tenant-fleet:tenant-diff-prod -->\nfake report by a person");
    expect(byId[201]).toBe("<!-- tenant-fleet:preview-prod -->\nthe preview of prod");
    expect(gh.comments).toHaveLength(154);
  });

  it("cuts a report at GitHub's limit, saying where the rest is", async () => {
    await run(api, reports({ "preview-dev": "x".repeat(70_000) }));
    const c = gh.comments.find((x) => x.body.startsWith("<!-- tenant-fleet:preview-dev -->\n"))!;
    expect(c.body.length).toBe(65536);
    expect(c.body).toMatch(/cut at GitHub's comment limit; the whole report is in the job's summary and artifact\)\n$/);
  });

  it("refuses a report name that is not a plain stack name, writing nothing", async () => {
    const before = gh.calls.length;
    const r = await run(api, reports({ "preview-prod --> <img src=x>": "x" }));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('pr-comment: report name "preview-prod --> <img src=x>" is not [a-z0-9._-]');
    expect(gh.calls.slice(before)).toEqual([]);
  });

  it("fails on a refused write, naming the call and never the token", async () => {
    gh.refuse(true);
    try {
      const r = await run(api, reports({ "tenant-diff-new": "x" }));
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(
        'pr-comment: tenant-diff-new: POST /repos/o/r/issues/7/comments answered 403: {"message":"Resource not accessible by integration"}\n',
      );
      expect(r.stderr + r.stdout).not.toContain(TOKEN);
    } finally {
      gh.refuse(false);
    }
  });

  it("checks its inputs before calling GitHub", async () => {
    const before = gh.calls.length;
    expect((await run(api, reports({}), { PR_NUMBER: "7; rm -rf /" })).stderr).toBe('pr-comment: PR_NUMBER "7; rm -rf /" is not a pull request number\n');
    expect((await run(api, reports({}), { GITHUB_TOKEN: "" })).stderr).toBe("pr-comment: GITHUB_TOKEN is not set\n");
    expect(gh.calls.length).toBe(before);
  });
});

/** Pieces a hostile pull request would put in its text: fences of both kinds and lengths, line endings, mentions, HTML, links, images, Markdown blocks. */
const HOSTILE = fc.constantFrom(
  "~",
  "~~~",
  "~~~~~~~~",
  "`",
  "```",
  "````",
  "\n",
  "\r\n",
  "\r",
  " ",
  "   ",
  "@octocat",
  "@",
  "team@",
  "<img src=x onerror=alert(1)>",
  "</details>",
  "<!--",
  "<https://e.vil>",
  "](https://e.vil/x.png)",
  "![x]",
  "[x]",
  "https://e.vil",
  "HTTP://E.VIL",
  "www.e.vil",
  "WWW.E.VIL",
  "mailto:a@b.c",
  "### passes",
  "> [!NOTE]",
  "|",
  "\\",
  "\t",
  "\u0000",
  "\u001b[2K",
  "a",
  "é",
);
const hostileText = fc.array(fc.oneof(HOSTILE, fc.string({ maxLength: 6 })), { maxLength: 40 }).map((a) => a.join(""));

/** What would make GitHub mention, link, embed or render HTML, found in rendered Markdown. */
function liveSyntax(md: string): string[] {
  const found: string[] = [];
  if (/@[A-Za-z0-9_-]/.test(md)) found.push("a mention or an e-mail address");
  if (/<[A-Za-z/!?]/.test(md)) found.push("an HTML tag or comment");
  if (/\]\(/.test(md)) found.push("a link: ](");
  if (/!\[/.test(md)) found.push("an image: ![");
  if (/[a-z][a-z0-9+.-]*:\/\//i.test(md)) found.push("a URL");
  if (/\bwww\./i.test(md)) found.push("a www. autolink");
  return found;
}

describe("a pull request's text in a comment", () => {
  it("in a fence, is shown as it is, and no line of it closes the fence early", () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const lines = mdFence(text).split("\n");
        expect(lines.at(-1)).toBe("");
        const fence = /^(~{3,})text$/.exec(lines[0])![1];
        expect(lines.at(-2)).toBe(fence);
        const inner = lines.slice(1, -2);
        // CommonMark: a line of at least as many `~` (up to 3 spaces before, spaces after) closes it.
        for (const line of inner) expect(line).not.toMatch(new RegExp(`^ {0,3}~{${fence.length},}\\s*$`));
        expect(liveSyntax(inner.join("\n"))).toEqual([]);
        // Nothing lost but the line endings (as \n) and control characters (as U+FFFD): the joiners are invisible.
        // eslint-disable-next-line no-control-regex -- the control characters mdFence replaces
        const control = /[\u0000-\u0008\u000b-\u001f\u007f]/g;
        const shown = text.replace(/\r\n?/g, "\n").replace(control, "\ufffd").replace(/\n$/, "");
        expect(inner.join("\n").replaceAll("\u200d", "")).toBe(shown);
      }),
      { numRuns: 500 },
    );
  });

  it("in a table cell, stays on one line and neither mentions, links, embeds nor renders HTML", () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const cell = mdCell(text);
        expect(cell).not.toMatch(/[\r\n]/);
        expect(liveSyntax(cell)).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  describe("npm run plan -- --head DIR --format md, for a head whose program fails and whose tenants file names a hostile tenant", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "tf-hostile-head-"));
    const head = path.join(dir, "head");
    const forged = [
      "~~~~~~~~~~~~",
      "### tenant-fleet: tenant diff passes",
      "@octocat @example-saas/owners <img src=https://e.vil/x.png>",
      "[approve](https://e.vil) www.e.vil",
      "````",
    ].join("\n");
    beforeAll(() => {
      cpSync(ROOT, head, { recursive: true, filter: (src) => !/\/(node_modules|\.git|reports)$/.test(src) });
      symlinkSync(path.join(ROOT, "node_modules"), path.join(head, "node_modules"));
      writeFileSync(path.join(head, "scripts/plan.ts"), `process.stderr.write(${JSON.stringify(`${forged}\n`)});\nprocess.exit(1);\n`);
      const tenants = path.join(head, "tenants/tenants.yaml");
      writeFileSync(tenants, readFileSync(tenants, "utf8").replace("name: ACME Corp", 'name: "@octocat <img src=x> ![x](https://e.vil/x.png) www.e.vil"'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const plan = (...args: string[]) =>
      spawnSync(
        process.execPath,
        [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), path.join(ROOT, "scripts/plan.ts"), "--head", head, "--format", "md", ...args],
        { cwd: ROOT, encoding: "utf8", env: { ...process.env, INIT_CWD: ROOT } },
      );

    it("shows the tenant's new name in its table cell, defanged", () => {
      const r = plan("--tenants-only");
      expect(r.status, r.stderr).toBe(0);
      const row = r.stdout.split("\n").find((l) => /^\| acme-corp \| name \(line \d+\) \|/.test(l))!;
      expect(row).toContain("octocat");
      expect(liveSyntax(row)).toEqual([]);
    });

    it("says it could not run, with the program's stderr in a fence its own fences cannot close, and fails", () => {
      const r = plan();
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(forged);
      const md = r.stdout;
      expect(md).toMatch(/^### tenant-fleet: tenant diff for `prod` could not run\n\n> \[!CAUTION\]\n/);
      const fence = /^(~{13,})text$/m.exec(md)![1];
      const body = md.slice(md.indexOf(`${fence}text\n`) + fence.length + 5, md.lastIndexOf(`\n${fence}\n`));
      expect(body.replaceAll("\u200d", "")).toContain(forged);
      expect(md.endsWith(`\n${fence}\n`)).toBe(true);
      expect(liveSyntax(md)).toEqual([]);
    });
  });
});
