import * as pulumi from "@pulumi/pulumi";
/**
 * The provider type for the Neon package. Create one explicitly to choose the API key,
 * and pass it as `provider` to every Neon resource.
 */
export declare class Provider extends pulumi.ProviderResource {
    /** True when `obj` is a Provider, even across multiple copies of the SDK. */
    static isInstance(obj: any): obj is Provider;
    /** API access key. Not marked secret by the provider: pass a `pulumi.secret`. */
    readonly apiKey: pulumi.Output<string | undefined>;
    constructor(name: string, args?: ProviderArgs, opts?: pulumi.ResourceOptions);
}
/** The set of arguments for constructing a Provider resource. */
export interface ProviderArgs {
    /** API access key; defaults to the NEON_API_KEY environment variable. */
    apiKey?: pulumi.Input<string>;
}
