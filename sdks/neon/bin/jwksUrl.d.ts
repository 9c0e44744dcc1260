import * as pulumi from "@pulumi/pulumi";
/**
 * Project JWKS URL. See details: https://neon.com/docs/data-api/custom-authentication-providers
 *
 * ~>**WARNING** The resource does not support import.
 *
 *
 * Changing `branchId`, `jwksUrl`, `jwtAudience`, `projectId`, `providerName`, `roleNames` replaces the resource: the provider deletes it and creates a new one.
 *
 * Import: `pulumi import neon:index/jwksUrl:JwksUrl <name> <id>`
 */
export declare class JwksUrl extends pulumi.CustomResource {
    /** Gets an existing JwksUrl resource's state with the given name, ID, and optional extra properties used to qualify the lookup. */
    static get(name: string, id: pulumi.Input<pulumi.ID>, state?: JwksUrlState, opts?: pulumi.CustomResourceOptions): JwksUrl;
    /** True when `obj` is a JwksUrl, even across multiple copies of the SDK. */
    static isInstance(obj: any): obj is JwksUrl;
    /**
     * Branch ID.
     */
    readonly branchId: pulumi.Output<string | undefined>;
    /**
     * The URL that lists the JWKS.
     */
    readonly jwksUrl: pulumi.Output<string>;
    readonly jwksUrlId: pulumi.Output<string>;
    /**
     * The name of the required JWT Audience to be used.
     */
    readonly jwtAudience: pulumi.Output<string | undefined>;
    /**
     * Project ID.
     */
    readonly projectId: pulumi.Output<string>;
    /**
     * The name of the authentication provider.
     */
    readonly providerName: pulumi.Output<string>;
    /**
     * The roles the JWKS should be mapped to.
     */
    readonly roleNames: pulumi.Output<string[]>;
    /** Create a JwksUrl resource with the given unique name, arguments, and options. */
    constructor(name: string, args: JwksUrlArgs, opts?: pulumi.CustomResourceOptions);
}
/** Input properties used for looking up and filtering JwksUrl resources. */
export interface JwksUrlState {
    /**
     * Branch ID.
     */
    branchId?: pulumi.Input<string>;
    /**
     * The URL that lists the JWKS.
     */
    jwksUrl?: pulumi.Input<string>;
    jwksUrlId?: pulumi.Input<string>;
    /**
     * The name of the required JWT Audience to be used.
     */
    jwtAudience?: pulumi.Input<string>;
    /**
     * Project ID.
     */
    projectId?: pulumi.Input<string>;
    /**
     * The name of the authentication provider.
     */
    providerName?: pulumi.Input<string>;
    /**
     * The roles the JWKS should be mapped to.
     */
    roleNames?: pulumi.Input<pulumi.Input<string>[]>;
}
/** The set of arguments for constructing a JwksUrl resource. */
export interface JwksUrlArgs {
    /**
     * Branch ID.
     */
    branchId?: pulumi.Input<string>;
    /**
     * The URL that lists the JWKS.
     */
    jwksUrl: pulumi.Input<string>;
    jwksUrlId?: pulumi.Input<string>;
    /**
     * The name of the required JWT Audience to be used.
     */
    jwtAudience?: pulumi.Input<string>;
    /**
     * Project ID.
     */
    projectId: pulumi.Input<string>;
    /**
     * The name of the authentication provider.
     */
    providerName: pulumi.Input<string>;
    /**
     * The roles the JWKS should be mapped to.
     */
    roleNames: pulumi.Input<pulumi.Input<string>[]>;
}
