import * as pulumi from "@pulumi/pulumi";
/**
 * An org-specific key to access the Neon API.
 *
 * ~>**WARNING** The resource does not support import.
 *
 *
 * Changing `name`, `orgId`, `projectId` replaces the resource: the provider deletes it and creates a new one.
 *
 * Import: `pulumi import neon:index/orgApiKey:OrgApiKey <name> <id>`
 */
export declare class OrgApiKey extends pulumi.CustomResource {
    /** Gets an existing OrgApiKey resource's state with the given name, ID, and optional extra properties used to qualify the lookup. */
    static get(name: string, id: pulumi.Input<pulumi.ID>, state?: OrgApiKeyState, opts?: pulumi.CustomResourceOptions): OrgApiKey;
    /** True when `obj` is a OrgApiKey, even across multiple copies of the SDK. */
    static isInstance(obj: any): obj is OrgApiKey;
    /**
     * The generated 64-bit token required to access the Neon API.
     */
    readonly key: pulumi.Output<string>;
    /**
     * The name of the API Key.
     */
    readonly name: pulumi.Output<string>;
    /**
     * The organisation ID.
     */
    readonly orgId: pulumi.Output<string>;
    /**
     * The project ID to which this key will grant the access to.
     */
    readonly projectId: pulumi.Output<string | undefined>;
    /** Create a OrgApiKey resource with the given unique name, arguments, and options. */
    constructor(name: string, args: OrgApiKeyArgs, opts?: pulumi.CustomResourceOptions);
}
/** Input properties used for looking up and filtering OrgApiKey resources. */
export interface OrgApiKeyState {
    /**
     * The generated 64-bit token required to access the Neon API.
     */
    key?: pulumi.Input<string>;
    /**
     * The name of the API Key.
     */
    name?: pulumi.Input<string>;
    /**
     * The organisation ID.
     */
    orgId?: pulumi.Input<string>;
    /**
     * The project ID to which this key will grant the access to.
     */
    projectId?: pulumi.Input<string>;
}
/** The set of arguments for constructing a OrgApiKey resource. */
export interface OrgApiKeyArgs {
    /**
     * The name of the API Key.
     */
    name?: pulumi.Input<string>;
    /**
     * The organisation ID.
     */
    orgId: pulumi.Input<string>;
    /**
     * The project ID to which this key will grant the access to.
     */
    projectId?: pulumi.Input<string>;
}
