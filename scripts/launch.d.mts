/** Types of scripts/launch.mjs for the TypeScript scripts that share its reading of Pulumi.yaml. */
export declare function pulumiNodeArgs(): string[];
export declare function launchArgs(script: string, args?: readonly string[]): string[];
export declare function requiredNode(): string;
export declare function nodeVersionProblem(version?: string, required?: string, execPath?: string): string | undefined;
