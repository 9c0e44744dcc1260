/** The one module that turns a document path into a line and column, for every input file. */
import { describe, expect, it } from "vitest";
import { Positions } from "../src/core/diagnostics/positions";
import { locateConfigKey, locateKey } from "../src/core/config/settings";

const STACK = [
  "config:",
  "  aws:region: eu-central-1",
  "  tenant-fleet:secretScope: repo",
  "  tenant-fleet:empty:",
  "  tenant-fleet:list:",
  "    - a",
  "    - b",
  "",
].join("\n");

describe("Positions", () => {
  const at = Positions.of(STACK, "Pulumi.prod.yaml");

  it("finds a value, its key, and an entry without a value", () => {
    expect(at.find(["config", "tenant-fleet:secretScope"])).toEqual({ line: 3, col: 29 });
    expect(at.find(["config", "tenant-fleet:secretScope"], true)).toEqual({ line: 3, col: 3 });
    expect(at.find(["config", "tenant-fleet:empty"])).toEqual({ line: 4, col: 22 }); // where its value belongs
    expect(at.find(["config", "nope"])).toBeUndefined();
    expect(at.find(["nope", "x"])).toBeUndefined();
  });

  it("points at the nearest ancestor of a missing path, and into lists", () => {
    expect(at.at(["config", "tenant-fleet:list", 1])).toEqual({ line: 7, col: 7 });
    expect(at.at(["config", "tenant-fleet:list", 9])).toEqual({ line: 6, col: 5 });
    expect(at.at(["config", "missing"])).toEqual({ line: 2, col: 3 });
  });

  it("makes positioned problems with the path written as people read it", () => {
    expect(at.error(["config", "tenant-fleet:list", 1], "bad")).toEqual({
      severity: "error",
      file: "Pulumi.prod.yaml",
      line: 7,
      col: 7,
      path: "config.tenant-fleet:list[1]",
      message: "bad",
    });
  });

  it("reads JSON (policy configs) the same way", () => {
    const json = Positions.of('{\n  "rule": {\n    "key": [1, 2]\n  }\n}\n', "policies/config.prod.json");
    expect(json.at(["rule", "key"])).toEqual({ line: 3, col: 12 });
  });

  it("reports syntax errors with their position", () => {
    const [e] = Positions.of("a: [1, 2\nb: 3\n", "x.yaml").syntaxErrors();
    expect(e.position.line).toBeGreaterThanOrEqual(1);
    expect(e.message.length).toBeGreaterThan(0);
    expect(Positions.of("a: 1\n", "x.yaml").syntaxErrors()).toEqual([]);
  });

  it("is what the stack settings use", () => {
    expect(locateConfigKey(STACK, "aws:region")).toEqual({ line: 2, col: 15 });
    expect(locateKey(STACK, "secretScope", true)).toEqual({ line: 3, col: 3 });
    expect(locateKey(STACK, "absent")).toEqual({ line: 2, col: 3 });
    expect(locateKey(undefined, "absent")).toEqual({ line: 1, col: 1 });
  });
});
