/** The Terraform provider version this package parameterizes (package.json `version`). */
export declare function getVersion(): string;
/**
 * The package reference of the parameterized provider. The runtime registers the package once
 * per deployment and caches the reference there, so several stacks in one process (the
 * Automation API) each get their own engine's reference. A CLI without parameterized
 * packages is refused: resources registered without the reference would go to a provider
 * that does not exist.
 */
export declare function getPackage(): Promise<string | undefined>;
