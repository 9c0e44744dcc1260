// The schema facts of the Neon provider, as src/tools/neon/goSchema.ts writes them (src/tools/neon/facts/tfschema-<version>.json).

export type TfType = "string" | "int" | "float" | "bool" | "list" | "set" | "map";

export interface TfAttribute {
  type: TfType;
  required?: true;
  optional?: true;
  computed?: true;
  forceNew?: true;
  sensitive?: true;
  hasDefault?: true;
  maxItems?: number;
  minItems?: number;
  /** Element of a list, set or map: a primitive type or a nested block. */
  elem?: { type: TfType } | { block: Record<string, TfAttribute> };
  description?: string;
}

export interface TfResource {
  description?: string;
  /** SDKv2 `SchemaVersion` (absent: 0, or not recorded); a state written at the same version is not upgraded, only pruned. */
  schemaVersion?: number;
  /** Served by terraform-plugin-framework (through terraform-plugin-mux) rather than SDKv2. */
  framework?: true;
  attributes: Record<string, TfAttribute>;
}

export interface TfSchema {
  provider: string;
  version: string;
  source: string;
  /** What changed from the version these facts were based on, each with where it was read (facts assembled from a base version). */
  changes?: string[];
  config: Record<string, TfAttribute>;
  resources: Record<string, TfResource>;
  dataSources: Record<string, TfResource>;
}
