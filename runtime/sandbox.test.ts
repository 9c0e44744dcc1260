/**
 * The sandbox the base branch's checker plans a pull request's program in (`plan --head DIR
 * --sandbox`, tenant-diff.yml): a program that tries what an attacker's would (reach the
 * network, see the runner's processes, read the job's environment, write for a later step)
 * runs for real, once inside the sandbox and once outside it as the control.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planProgramAt } from "../scripts/lib/programPlan";

const ROOT = path.resolve(__dirname, "..");

/** What the probe saw; it prints it as the inputs of one resource, so the checker's reader takes it. */
interface Probe {
  uid: number;
  network: string;
  processes: number;
  sawParent: boolean;
  env: string[];
  secret: string | null;
  write: string;
}

const PROBE = `
import { connect } from "node:net";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
void (async () => {
const { port, parent } = JSON.parse(readFileSync("probe.json", "utf8"));
const network = await new Promise<string>((done) => {
  const socket = connect({ host: "127.0.0.1", port });
  socket.setTimeout(3000, () => { socket.destroy(); done("timeout"); });
  socket.on("connect", () => { socket.end(); done("connected"); });
  socket.on("error", (e: NodeJS.ErrnoException) => done(e.code ?? "error"));
});
const pids = readdirSync("/proc").filter((p) => /^\\d+$/.test(p));
let write = "written";
try { writeFileSync("left-for-a-later-step", "x"); } catch (e) { write = (e as NodeJS.ErrnoException).code ?? "error"; }
const inputs = { uid: process.getuid!(), network, processes: pids.length, sawParent: pids.includes(String(parent)), env: Object.keys(process.env).sort(), secret: process.env.TENANT_FLEET_PROBE_SECRET ?? null, write };
process.stdout.write(JSON.stringify({ resources: [{ type: "probe:index:Probe", name: "probe", parent: "", inputs, options: { protect: false, retainOnDelete: false } }] }));
})();
`;

describe("the sandbox a pull request's program is planned in", () => {
  let server: Server;
  let head: string;
  beforeAll(async () => {
    server = createServer((s) => s.end());
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    head = mkdtempSync(path.join(tmpdir(), "tf-sandbox-"));
    mkdirSync(path.join(head, "scripts"));
    writeFileSync(path.join(head, "scripts/plan.ts"), PROBE);
    writeFileSync(path.join(head, "probe.json"), JSON.stringify({ port: (server.address() as { port: number }).port, parent: process.pid }));
    // The packages the plan is started with (a pull request's checkout has them from npm ci --ignore-scripts).
    for (const pkg of ["tsx", "esbuild", "@esbuild"]) cpSync(path.join(ROOT, "node_modules", pkg), path.join(head, "node_modules", pkg), { recursive: true, dereference: true });
    process.env.TENANT_FLEET_PROBE_SECRET = "a-token-of-the-job";
  });
  afterAll(() => {
    server.close();
    rmSync(head, { recursive: true, force: true });
    delete process.env.TENANT_FLEET_PROBE_SECRET;
  });
  const probe = (sandbox: boolean) => planProgramAt(head, "prod", { sandbox, label: "probe" })[0].inputs as unknown as Probe;

  it("outside it (the control), the probe reaches the listener, sees this process and reads the job's environment", () => {
    const seen = probe(false);
    expect(seen).toMatchObject({ network: "connected", sawParent: true, secret: "a-token-of-the-job", write: "written" });
  });

  it("inside it, the program runs as nobody with no network, no other process, an empty environment and nothing it can write", () => {
    const seen = probe(true);
    expect(seen.uid).toBe(65534);
    expect(seen.network).not.toBe("connected");
    expect(seen.sawParent).toBe(false);
    expect(seen.processes).toBeLessThanOrEqual(3);
    expect(seen.secret).toBeNull();
    expect(seen.env).toEqual(["FORCE_COLOR", "HOME", "PATH"]);
    expect(seen.write).toBe("EACCES");
  });
});
