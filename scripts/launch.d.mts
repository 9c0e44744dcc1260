/** Types of scripts/launch.mjs for the TypeScript scripts that share its reading of Pulumi.yaml. */
export declare function pulumiNodeArgs(): string[];
export declare function launchArgs(script: string, args?: readonly string[]): string[];
