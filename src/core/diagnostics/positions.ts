/**
 * Where things are in a YAML (or JSON) input: a document path such as
 * `["tenants", 2, "region"]` or `["config", "tenant-fleet:secretScope"]` becomes a line and
 * column, and a problem carries both. The tenants loader, the stack settings, the stack
 * files and the policy configs all point at their inputs through this one module.
 */
import { LineCounter, parseDocument, isMap, isSeq, isScalar, type Document, type Node } from "yaml";
import { formatPath, type Problem, type Severity } from "./problems";

export type DocPath = readonly (string | number)[];

export interface Position {
  /** 1-based. */
  readonly line: number;
  readonly col: number;
}

export interface ParseOptions {
  /** Reject a key that appears twice in one mapping (the yaml library's default). */
  readonly uniqueKeys?: boolean;
  readonly strict?: boolean;
}

export class Positions {
  private constructor(
    readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
    /** The file as the user named it, for messages. */
    readonly file: string,
  ) {}

  /** Parses the text once; every lookup after that is a walk of the parsed nodes. */
  static of(text: string, file: string, options: ParseOptions = {}): Positions {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, ...options });
    return new Positions(doc, lines, file);
  }

  lineCol(offset: number): Position {
    const { line, col } = this.lines.linePos(offset);
    return { line, col };
  }

  /** The first syntax error, positioned, if the text is not valid YAML. */
  syntaxErrors(): { readonly position: Position; readonly code: string; readonly message: string }[] {
    return this.doc.errors.map((e) => ({ position: this.lineCol(e.pos[0]), code: e.code, message: e.message.split("\n")[0] }));
  }

  /** The value node at `path`, or undefined when some step is missing. */
  nodeAt(path: DocPath): Node | undefined {
    let node: unknown = this.doc.contents;
    for (const part of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(part));
        if (!pair) return undefined;
        node = pair.value;
      } else if (isSeq(node) && typeof part === "number") {
        node = node.items[part];
      } else {
        return undefined;
      }
      if (!node) return undefined;
    }
    return (node as Node | null) ?? undefined;
  }

  /** Offset of the node at `path`, or of the deepest ancestor (or its key) that exists. */
  offsetOf(path: DocPath): number {
    let node: unknown = this.doc.contents;
    let offset = (node as Node | null)?.range?.[0] ?? 0;
    for (const part of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(part));
        if (!pair) break;
        const value = pair.value as Node | null;
        offset = value?.range?.[0] ?? (pair.key as Node).range?.[0] ?? offset;
        if (!value) break;
        node = value;
      } else if (isSeq(node) && typeof part === "number" && node.items[part]) {
        node = node.items[part];
        offset = (node as Node).range?.[0] ?? offset;
      } else {
        break;
      }
    }
    return offset;
  }

  /** Offset of the key `key` in the mapping at `path`; falls back to the mapping. */
  keyOffset(path: DocPath, key: string): number {
    const node = path.length === 0 ? this.doc.contents : this.nodeAt(path);
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
      const keyNode = pair?.key as Node | undefined;
      if (keyNode?.range) return keyNode.range[0];
    }
    return this.offsetOf(path);
  }

  /** Line and column of the value at `path` (or its nearest ancestor). */
  at(path: DocPath): Position {
    return this.lineCol(this.offsetOf(path));
  }

  /**
   * Line and column of the mapping entry at `path` (its value, or with `atKey` its key), or
   * undefined when the key is not in the document.
   */
  find(path: DocPath, atKey = false): Position | undefined {
    const parent = path.slice(0, -1);
    const key = String(path[path.length - 1]);
    const node = parent.length === 0 ? this.doc.contents : this.nodeAt(parent);
    if (!isMap(node)) return undefined;
    const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
    if (!pair) return undefined;
    const target = atKey ? (pair.key as Node) : ((pair.value as Node | null) ?? (pair.key as Node));
    return this.lineCol(target.range?.[0] ?? 0);
  }

  problem(severity: Severity, offset: number, path: DocPath, message: string): Problem {
    return { severity, file: this.file, ...this.lineCol(offset), path: formatPath(path), message };
  }

  /** A problem at the value of `path` (or its nearest ancestor). */
  error(path: DocPath, message: string, severity: Severity = "error"): Problem {
    return this.problem(severity, this.offsetOf(path), path, message);
  }
}
