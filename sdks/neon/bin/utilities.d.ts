/** The Terraform provider version this package parameterizes (package.json `version`). */
export declare function getVersion(): string;
/** Default resource options: pin the plugin version. */
export declare function resourceOptsDefaults(): any;
/** Registers the parameterized provider once per process and returns its package reference. */
export declare function getPackage(): Promise<string | undefined>;
/** Reads an environment variable, the first of `vars` that is set. */
export declare function getEnv(...vars: string[]): string | undefined;
