/** What the SDK floor replays: set by bench-child before the clock starts, read by sdkFloor. */
export interface Replayed {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly parentUrn: string;
  readonly custom: boolean;
  /** Recorded inputs: secrets as "[secret]", resource references as URNs. */
  readonly inputs: Record<string, unknown>;
  /** Provider reference as `urn::id`. */
  readonly provider?: string;
  readonly options: { protect: boolean; retainOnDelete: boolean; deleteBeforeReplace: boolean; ignoreChanges: readonly string[] };
  /** Outputs a component registered. */
  readonly outputs?: Record<string, unknown>;
}

export const replayInput: { recorded: readonly Replayed[] } = { recorded: [] };
