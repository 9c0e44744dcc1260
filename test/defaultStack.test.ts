/** The stack a command means without --stack: the team's own one, the sample prod when there is none, a question when there are several. */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { defaultStack, SAMPLE_DEFAULT_STACK, stackKinds } from "../src/core/config/defaultStack";
import { ROOT } from "./program";

const SAMPLES = ["Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.prod.yaml", "tenants/tenants.yaml", "tenants/tenants.dev.yaml"];
const prodStack = readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8");
const STARTER = "version: 1\nexample: true\ntenants:\n  - { id: first-customer, name: First, region: aws-eu-central-1, residency: EU }\n";
const REAL = STARTER.replace("example: true\n", "");

/** The samples as shipped, plus each own stack: its stack file (prod's, reading tenants/<name>.yaml) and tenants file. */
function project(own: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), "tf-default-"));
  mkdirSync(path.join(dir, "tenants"));
  for (const f of SAMPLES) copyFileSync(path.join(ROOT, f), path.join(dir, f));
  for (const [stack, tenants] of Object.entries(own)) {
    writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), prodStack.replace("tenants/tenants.yaml", `tenants/${stack}.yaml`));
    writeFileSync(path.join(dir, `tenants/${stack}.yaml`), tenants);
  }
  return dir;
}

describe("the default stack", () => {
  it("is prod in the project as shipped, where both stacks are samples", () => {
    expect(SAMPLE_DEFAULT_STACK).toBe("prod");
    expect(stackKinds(ROOT)).toEqual([
      { stack: "dev", tenantsFile: "tenants/tenants.dev.yaml", example: true, sample: true },
      { stack: "prod", tenantsFile: "tenants/tenants.yaml", example: true, sample: true },
    ]);
    expect(defaultStack(ROOT)).toBe("prod");
    expect(defaultStack(ROOT, "dev")).toBe("dev");
  });

  it("is the one stack of the team's own, its starter fleet (example: true) included", () => {
    expect(defaultStack(project({ acme: STARTER }))).toBe("acme");
    expect(defaultStack(project({ acme: REAL }))).toBe("acme");
  });

  it("is prod once init --force made prod the team's own (its own tenants file), dev staying a sample", () => {
    const dir = project({ prod: REAL });
    expect(stackKinds(dir).map((k) => [k.stack, k.sample])).toEqual([
      ["dev", true],
      ["prod", false],
    ]);
    expect(defaultStack(dir)).toBe("prod");
  });

  it("keeps a sample a sample when its example line is gone (by its name and tenants file: a pull request cannot bring it back)", () => {
    const dir = project({ acme: REAL });
    const prodTenants = path.join(dir, "tenants/tenants.yaml");
    writeFileSync(prodTenants, readFileSync(prodTenants, "utf8").replace(/\nexample: true\n/, "\n"));
    expect(stackKinds(dir).find((k) => k.stack === "prod")).toMatchObject({ example: false, sample: true });
    expect(defaultStack(dir)).toBe("acme");
  });

  it("asks for a stack, naming them, when the team has several", () => {
    const dir = project({ acme: REAL, beta: STARTER });
    expect(() => defaultStack(dir)).toThrow(
      "which stack? This project has 2 stacks of its own: acme, beta (and the samples dev, prod); pass --stack <name>, e.g. --stack acme",
    );
    expect(defaultStack(dir, "beta")).toBe("beta");
  });
});
