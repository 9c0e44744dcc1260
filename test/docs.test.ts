/** The README and docs/: short enough to read, and every relative link lands on a file and heading that exist. */
import { describe, expect, it } from "vitest";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { ROOT } from "./program";

const FILES = [
  "README.md",
  ...readdirSync(path.join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
function anchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_\- ]/gu, "")
    .replace(/ /g, "-");
}

function anchors(file: string): Set<string> {
  const text = readFileSync(path.join(ROOT, file), "utf8").replace(/```[\s\S]*?```/g, "");
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchor(m[1])));
}

describe("the documentation", () => {
  it("keeps the README under 15 KB; the long form lives in docs/", () => {
    expect(statSync(path.join(ROOT, "README.md")).size).toBeLessThan(15_000);
  });

  it.each(FILES)("%s links only to files and headings that exist", (file) => {
    const text = readFileSync(path.join(ROOT, file), "utf8").replace(/```[\s\S]*?```/g, "");
    const broken: string[] = [];
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target)) continue; // https:, mailto:
      const [rel, hash] = target.split("#");
      const resolved = rel ? path.normalize(path.join(path.dirname(file), decodeURI(rel))) : file;
      if (!existsSync(path.join(ROOT, resolved))) broken.push(`${target} (no ${resolved})`);
      else if (hash && resolved.endsWith(".md") && !anchors(resolved).has(hash)) broken.push(`${target} (no heading #${hash} in ${resolved})`);
    }
    expect(broken).toEqual([]);
  });
});
