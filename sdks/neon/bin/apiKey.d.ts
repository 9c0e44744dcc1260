import * as pulumi from "@pulumi/pulumi";
/**
 * A key to access the Neon API.
 *
 * ~>**WARNING** The resource does not support import.
 *
 *
 * Changing `name` replaces the resource: the provider deletes it and creates a new one.
 *
 * Import: `pulumi import neon:index/apiKey:ApiKey <name> <id>`
 */
export declare class ApiKey extends pulumi.CustomResource {
    /** Gets an existing ApiKey resource's state with the given name, ID, and optional extra properties used to qualify the lookup. */
    static get(name: string, id: pulumi.Input<pulumi.ID>, state?: ApiKeyState, opts?: pulumi.CustomResourceOptions): ApiKey;
    /** True when `obj` is a ApiKey, even across multiple copies of the SDK. */
    static isInstance(obj: any): obj is ApiKey;
    /**
     * The generated 64-bit token required to access the Neon API.
     */
    readonly key: pulumi.Output<string>;
    /**
     * The name of the API Key.
     */
    readonly name: pulumi.Output<string>;
    /** Create a ApiKey resource with the given unique name, arguments, and options. */
    constructor(name: string, args?: ApiKeyArgs, opts?: pulumi.CustomResourceOptions);
}
/** Input properties used for looking up and filtering ApiKey resources. */
export interface ApiKeyState {
    /**
     * The generated 64-bit token required to access the Neon API.
     */
    key?: pulumi.Input<string>;
    /**
     * The name of the API Key.
     */
    name?: pulumi.Input<string>;
}
/** The set of arguments for constructing a ApiKey resource. */
export interface ApiKeyArgs {
    /**
     * The name of the API Key.
     */
    name?: pulumi.Input<string>;
}
