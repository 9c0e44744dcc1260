/**
 * The JSON `pulumi preview --json` prints, read as data and checked. Its shape is Pulumi's
 * PreviewDigest (pulumi/pulumi sdk/go/common/display/json.go, "PreviewDigest is a
 * JSON-serializable overview of a preview operation"): `steps` (PreviewStep: `op`, `urn`,
 * `provider`, `oldState`/`newState` as apitype.ResourceV3 with `type`, `inputs`, `outputs`,
 * `protect`; `diffReasons` "for updating steps only", `replaceReasons` "for replacement steps
 * only", `detailedDiff` a map of property path to PropertyDiff `{kind, inputDiff}`),
 * `diagnostics` (`urn`, `prefix`, `message`, `severity`), `duration`, `changeSummary` (count per
 * op) and `maybeCorrupt`. The flag: https://www.pulumi.com/docs/iac/cli/commands/pulumi_preview/
 * ("-j, --json  Serialize the preview diffs, operations, and overall output as JSON").
 * Pure: text in, a checked digest out, or an InputError naming the file and the bad field.
 */
import { isMap, isSeq, LineCounter, parseDocument, type Node } from "yaml";
import { formatPath, InputError } from "../../core/diagnostics/problems";

/** A resource's state in a step (apitype.ResourceV3), the fields read here. */
export interface StepState {
  readonly type?: string;
  readonly inputs?: Readonly<Record<string, unknown>>;
  readonly outputs?: Readonly<Record<string, unknown>>;
  readonly protect?: boolean;
}

/** The kinds of a PropertyDiff (apitype DiffKind: add, add-replace, delete, delete-replace, update, update-replace). */
export const DIFF_KINDS = ["add", "add-replace", "delete", "delete-replace", "update", "update-replace"] as const;

export interface PreviewStep {
  readonly op: string;
  readonly urn: string;
  readonly oldState?: StepState;
  readonly newState?: StepState;
  readonly diffReasons?: readonly string[];
  readonly replaceReasons?: readonly string[];
  readonly detailedDiff?: Readonly<Record<string, { readonly kind: string; readonly inputDiff?: boolean }>> | null;
}

export interface PreviewDiagnostic {
  readonly urn?: string;
  readonly message?: string;
  readonly severity?: string;
}

export interface PreviewDigest {
  readonly steps: readonly PreviewStep[];
  readonly diagnostics: readonly PreviewDiagnostic[];
  readonly changeSummary: Readonly<Record<string, number>>;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const shown = (v: unknown) => {
  // eslint-disable-next-line no-control-regex -- control characters are what this escapes
  const text = (JSON.stringify(v) ?? String(v)).replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
};
const FIX = "give the output of `pulumi preview --json` (Pulumi's PreviewDigest), unedited";

/** Line and column (1-based) of the value at `path` in the JSON text (JSON is YAML 1.2, whose parser keeps positions); the document's start when not found. */
function positionOf(text: string, path: readonly PropertyKey[]): { line: number; col: number } {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, keepSourceTokens: false });
  let node: Node | null | undefined = doc.contents as Node | null;
  for (const part of path) {
    if (isSeq(node) && typeof part === "number") node = node.items[part] as Node | undefined;
    else if (isMap(node)) node = node.get(String(part), true) as Node | undefined;
    else break;
  }
  const at = node?.range?.[0] ?? 0;
  return counter.linePos(at);
}

type Path = (string | number)[];
type Fail = (path: Path, value: unknown, want: string) => never;

function checkStep(fail: Fail, s: unknown, i: number): PreviewStep {
  const at: Path = ["steps", i];
  if (!isRecord(s)) fail(at, s, "an object");
  const step = s as Record<string, unknown>;
  if (typeof step.op !== "string") fail([...at, "op"], step.op, "a string (create, update, replace, delete, same, ...)");
  if (typeof step.urn !== "string" || !step.urn.startsWith("urn:pulumi:")) fail([...at, "urn"], step.urn, "a Pulumi URN (urn:pulumi:...)");
  for (const k of ["oldState", "newState"]) if (step[k] !== undefined && step[k] !== null && !isRecord(step[k])) fail([...at, k], step[k], "an object");
  for (const k of ["diffReasons", "replaceReasons"]) {
    const v = step[k];
    if (v !== undefined && v !== null && !(Array.isArray(v) && v.every((x) => typeof x === "string"))) fail([...at, k], v, "a list of property names");
  }
  const dd = step.detailedDiff;
  if (dd !== undefined && dd !== null) {
    if (!isRecord(dd)) fail([...at, "detailedDiff"], dd, "an object of property paths");
    for (const [p, d] of Object.entries(dd as Record<string, unknown>))
      if (!isRecord(d) || !(DIFF_KINDS as readonly unknown[]).includes(d.kind)) fail([...at, "detailedDiff", p], d, `{"kind": ${DIFF_KINDS.join(" | ")}}`);
  }
  return step as unknown as PreviewStep;
}

export function parsePreview(text: string, file: string): PreviewDigest {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    // Node names the offset of a syntax error ("... at position 12" or "(line 1 column 13)").
    const m = /position (\d+)/.exec((e as Error).message);
    const { line, col } = m ? offsetPosition(text, Number(m[1])) : { line: 1, col: 1 };
    const first = text.trim().split("\n")[0] ?? "";
    throw new InputError([
      {
        severity: "error",
        file,
        line,
        col,
        path: "",
        message: `not JSON (${(e as Error).message}); it begins ${shown(first)}: pulumi preview failed before printing its digest (see the step's log), or printed more than --json; ${FIX}`,
      },
    ]);
  }
  const fail: Fail = (path, value, want) => {
    const { line, col } = positionOf(text, path);
    throw new InputError([{ severity: "error", file, line, col, path: formatPath(path), message: `is ${shown(value)}, not ${want}: ${FIX}` }]);
  };
  if (!isRecord(doc)) fail([], doc, "an object");
  const d = doc as Record<string, unknown>;
  const steps = d.steps ?? [];
  if (!Array.isArray(steps)) fail(["steps"], steps, "a list");
  const diagnostics = d.diagnostics ?? [];
  if (!Array.isArray(diagnostics)) fail(["diagnostics"], diagnostics, "a list");
  const changeSummary = d.changeSummary ?? {};
  if (!isRecord(changeSummary)) fail(["changeSummary"], changeSummary, "an object of counts per op");
  return {
    steps: (steps as unknown[]).map((s, i) => checkStep(fail, s, i)),
    diagnostics: (diagnostics as unknown[]).filter(isRecord) as PreviewDiagnostic[],
    changeSummary: changeSummary as Record<string, number>,
  };
}

/** Line and column (1-based) of a character offset. */
function offsetPosition(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset).split("\n");
  return { line: before.length, col: before[before.length - 1].length + 1 };
}
