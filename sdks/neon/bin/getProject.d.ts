import * as pulumi from "@pulumi/pulumi";
/**
 * Fetch Project.
 */
export declare function getProject(args: GetProjectArgs, opts?: pulumi.InvokeOptions): Promise<GetProjectResult>;
/** A collection of arguments for invoking getProject. */
export interface GetProjectArgs {
    /**
     * Project ID.
     */
    id: string;
}
/** A collection of values returned by getProject. */
export interface GetProjectResult {
    /**
     * Default connection uri. **Note** that it contains access credentials.
     */
    readonly connectionUri: string;
    /**
     * Default connection uri with the traffic via pooler. **Note** that it contains access credentials.
     */
    readonly connectionUriPooler: string;
    /**
     * Default database host.
     */
    readonly databaseHost: string;
    /**
     * Default endpoint host via pooler.
     */
    readonly databaseHostPooler: string;
    /**
     * Default database name.
     */
    readonly databaseName: string;
    /**
     * Default database access password.
     */
    readonly databasePassword: string;
    /**
     * Default database role.
     */
    readonly databaseUser: string;
    /**
     * Default branch ID.
     */
    readonly defaultBranchId: string;
    /**
     * Project ID.
     */
    readonly id: string;
    /**
     * Project Name.
     */
    readonly name: string;
}
/**
 * Fetch Project.
 */
export declare function getProjectOutput(args: GetProjectOutputArgs, opts?: pulumi.InvokeOutputOptions): pulumi.Output<GetProjectResult>;
/** A collection of arguments for invoking getProject. */
export interface GetProjectOutputArgs {
    /**
     * Project ID.
     */
    id: pulumi.Input<string>;
}
