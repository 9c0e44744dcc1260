/**
 * Commands from the stack settings, read the way bash will run them: quotes and escapes
 * removed (`pg_dum""p` is `pg_dump`, `$'\x70g_dump'` too), split into simple commands at
 * `&&`, `||`, `;`, `|` and `&`, `bash -c '…'` opened up, percent-encoding decoded for host
 * checks. What cannot be read without running it (command or process substitution,
 * backquotes, `eval`, `source`, variables other than the ones the workflow sets) is
 * reported as opaque, so a guard refuses it rather than guessing.
 */
import { parse, type ParseEntry } from "shell-quote";

export interface ParsedCommand {
  /** Each simple command's words after quote removal, leading `NAME=value` assignments dropped. */
  readonly commands: readonly (readonly string[])[];
  /** Every word after quote removal, `NAME=value` assignments included, `bash -c` text opened up. */
  readonly words: readonly string[];
  /** `pipes[i]`: command i writes into command i + 1 through `|`. */
  readonly pipes: readonly boolean[];
  /** Why parts of the text cannot be judged without running them. */
  readonly opaque: readonly string[];
}

const SEPARATORS = new Set(["&&", "||", ";", ";;", "|", "|&", "&"]);
const SHELLS = new Set(["bash", "sh", "dash", "zsh", "ksh"]);

/** Interpreters and the flags that give them code on the command line. */
const INLINE_CODE: Readonly<Record<string, readonly string[]>> = {
  node: ["-e", "--eval", "-p", "--print"],
  python: ["-c"],
  python3: ["-c"],
  perl: ["-e", "-E"],
  ruby: ["-e"],
  php: ["-r"],
  deno: ["eval"],
  bun: ["-e", "--eval"],
};

/** Variables a generated workflow sets before a command runs; anything else is unknown. */
const KNOWN_VARIABLES = new Set(["DATABASE_URL", "SEED_FILE", "TENANT_ID", "HOME", "PATH", "RUNNER_TEMP", "GITHUB_WORKSPACE", "CI"]);

function basename(word: string): string {
  return word.split("/").pop() ?? word;
}

export function parseCommand(text: string, depth = 0): ParsedCommand {
  const opaque: string[] = [];
  const unknownVariables = new Set<string>();
  const entries: ParseEntry[] = parse(text, (name: string) => {
    if (name && !KNOWN_VARIABLES.has(name)) unknownVariables.add(name);
    return `\${${name}}`;
  });
  const commands: string[][] = [];
  const pipes: boolean[] = [];
  const words: string[] = [];
  let current: string[] = [];
  const flush = (op?: string) => {
    while (current.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(current[0])) current.shift();
    if (current.length) {
      commands.push(current);
      pipes.push(op === "|" || op === "|&");
    }
    current = [];
  };
  for (const e of entries) {
    if (typeof e === "string") {
      if (e.includes("`")) opaque.push("backquoted command substitution");
      current.push(e);
      words.push(e);
      continue;
    }
    if ("op" in e) {
      if (e.op === "(" || e.op === ")" || e.op === "<(" || e.op === ">(") opaque.push("a subshell or command substitution");
      else if (SEPARATORS.has(e.op)) flush(e.op);
      else if (e.op === "glob") {
        current.push((e as { pattern: string }).pattern);
        words.push((e as { pattern: string }).pattern);
      }
      continue;
    }
    if ("comment" in e) continue;
  }
  flush();
  if (unknownVariables.size)
    opaque.push(
      `variables it cannot know (${[...unknownVariables]
        .sort()
        .map((v) => `$${v}`)
        .join(", ")})`,
    );

  const expanded: string[][] = [];
  const expandedPipes: boolean[] = [];
  commands.forEach((command, i) => {
    const program = basename(command[0]);
    if (program === "eval" || program === "source" || program === ".") opaque.push(`${program}, which runs text built at run time`);
    // A shell anywhere in the command (`env bash -c …`, `sudo sh -c …`): its -c text is read as well.
    const shellAt = command.findIndex((w) => SHELLS.has(basename(w)));
    if (shellAt >= 0) {
      const c = command.indexOf("-c", shellAt + 1);
      if (c >= 0 && command[c + 1] !== undefined && depth < 3) {
        const inner = parseCommand(command[c + 1], depth + 1);
        expanded.push(...(shellAt > 0 ? [command.slice(0, shellAt + 1)] : []), ...inner.commands.map((x) => [...x]));
        expandedPipes.push(...(shellAt > 0 ? [false] : []), ...inner.pipes.slice(0, -1), pipes[i]);
        opaque.push(...inner.opaque);
        words.push(...inner.words);
        return;
      }
      if (c >= 0) opaque.push("shells nested too deep to read");
      else if (i > 0 && pipes[i - 1] && command.length === shellAt + 1) opaque.push("a shell reading its commands from a pipe");
    }
    const inline = INLINE_CODE[program];
    if (inline && command.some((w) => inline.includes(w))) opaque.push(`inline ${program} code, which can spell anything`);
    expanded.push(command);
    expandedPipes.push(pipes[i]);
  });
  return { commands: expanded, words, pipes: expandedPipes, opaque: [...new Set(opaque)] };
}

/** A word as a host check should see it: percent-decoded where that decodes, lowercased. */
export function decodedWord(word: string): string {
  try {
    return decodeURIComponent(word).toLowerCase();
  } catch {
    return word.toLowerCase();
  }
}

const INSTALLERS: Readonly<Record<string, readonly string[] | "any">> = {
  npm: ["ci", "install", "i", "isntall", "add", "update", "upgrade", "rebuild", "exec", "x"],
  npx: "any",
  yarn: ["install", "add", "up", "upgrade", "dlx"],
  pnpm: ["install", "i", "add", "update", "up", "dlx"],
  pnpx: "any",
  bun: ["install", "i", "add", "x", "update"],
  bunx: "any",
  pip: ["install", "download"],
  pip3: ["install", "download"],
  pipx: ["install", "run"],
  poetry: ["install", "add", "update"],
  pipenv: ["install", "sync", "update"],
  uv: ["pip", "sync", "add", "tool"],
  uvx: "any",
  bundle: ["install", "update", "add"],
  gem: ["install", "update"],
  composer: ["install", "require", "update"],
  go: ["get", "install", "mod"],
  cargo: ["install", "fetch"],
  "apt-get": ["install"],
  apt: ["install"],
};

/** The parts of a command that install or download code, e.g. `npm ci` or `curl … | sh`. */
export function installSteps(text: string): string[] {
  const { commands, pipes } = parseCommand(text);
  const found: string[] = [];
  commands.forEach((words, i) => {
    const next = commands[i + 1]?.[0] === "sudo" ? commands[i + 1]?.[1] : commands[i + 1]?.[0];
    if (["curl", "wget"].includes(basename(words[0])) && pipes[i] && next !== undefined && SHELLS.has(basename(next)))
      found.push("a download piped into a shell");
    const args = words[0] === "sudo" ? words.slice(1) : words;
    const program = basename(args[0] ?? "");
    const sub = args.slice(1).find((w) => !w.startsWith("-"));
    const rule = INSTALLERS[program];
    // `npx --no` (or --no-install, --offline) runs only what is installed already.
    if (rule === "any" && args.some((w) => w === "--no" || w === "--no-install" || w === "--offline")) return;
    if (rule === "any" || (rule && sub !== undefined && rule.includes(sub))) found.push([program, ...(rule === "any" ? [] : [sub!])].join(" "));
    else if ((program === "python" || program === "python3") && args.includes("pip") && args.includes("install")) found.push(`${program} -m pip install`);
    else if (program === "yarn" && sub === undefined) found.push("yarn");
  });
  return [...new Set(found)];
}
