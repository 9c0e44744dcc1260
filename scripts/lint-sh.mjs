#!/usr/bin/env node
/**
 * npm run lint:sh: shellcheck (the Debian package; .ci/run installs it) at warning level, as
 * bash, on every `*.sh` file of the project that git knows or would add (tracked, or untracked
 * and not ignored) and on its bash scripts without a suffix (.ci/run). The generated jobs' and
 * operations' bash moves into .sh files (issue 33); until then there are none, and this says so.
 *
 *   node scripts/lint-sh.mjs
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Files git knows or would add (tracked, or untracked and not ignored), relative to the root. */
function projectFiles() {
  const git = spawnSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], { cwd: root, encoding: "utf8" });
  if (git.error || git.status !== 0) throw new Error(`git ls-files failed: ${git.error?.message ?? git.stderr.trim()}`);
  return [...new Set(git.stdout.split("\0").filter(Boolean))].sort();
}

/** A bash script without the .sh suffix (such as .ci/run): no dot in its name, a bash shebang. */
function isBashScript(file) {
  if (basename(file).includes(".")) return false;
  try {
    return /^#!\s*(\/usr\/bin\/env\s+bash|\/bin\/bash|\/usr\/bin\/bash)\b/.test(readFileSync(join(root, file), "utf8").slice(0, 64));
  } catch {
    return false;
  }
}

/** The project's shell files: every `*.sh`, and the bash scripts without a suffix. */
export function shellFiles() {
  const files = projectFiles();
  return { sh: files.filter((f) => f.endsWith(".sh")), scripts: files.filter(isBashScript) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  let files;
  try {
    files = shellFiles();
  } catch (e) {
    console.error(`lint:sh: ${e.message}`);
    process.exit(2);
  }
  if (!files.sh.length) console.log("lint:sh: no shell files yet (*.sh)");
  const all = [...files.sh, ...files.scripts];
  if (all.length) {
    const run = spawnSync("shellcheck", ["-S", "warning", "-s", "bash", ...all], { cwd: root, stdio: "inherit" });
    if (run.error) {
      console.error(`lint:sh: shellcheck could not run (${run.error.message}): install the Debian package shellcheck (apt-get install shellcheck)`);
      process.exit(2);
    }
    if (run.status === 0) console.log(`lint:sh: ${all.join(", ")} clean at warning level`);
    process.exit(run.status ?? 1);
  }
}
