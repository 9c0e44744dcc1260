import * as pulumi from "@pulumi/pulumi";
/**
 * The provider type for the neon package. Create one explicitly to choose its settings and pass it
 * as `provider` to every Neon resource. Its settings come from `args` only: the Terraform provider
 * itself falls back to the NEON_API_KEY environment variable, so a key never enters the provider's
 * inputs (and the stack's state) unless the program passes it. Pass it as a `pulumi.secret`: the
 * provider does not mark it sensitive.
 */
export declare class Provider extends pulumi.ProviderResource {
    /** True when `obj` is a Provider, even across multiple copies of the SDK. */
    static isInstance(obj: any): obj is Provider;
    /**
     * API access key. Default is read from the environment variable `NEON_API_KEY`.
     */
    readonly apiKey: pulumi.Output<string | undefined>;
    /** Create a Provider resource with the given unique name, arguments, and options. */
    constructor(name: string, args?: ProviderArgs, opts?: pulumi.ResourceOptions);
    /** The provider's configuration as a Terraform config object (terraform-named keys), for the Terraform Module provider. */
    terraformConfig(): pulumi.Output<{
        [key: string]: any;
    }>;
}
/** The set of arguments for constructing a Provider resource. */
export interface ProviderArgs {
    /**
     * API access key. Default is read from the environment variable `NEON_API_KEY`.
     */
    apiKey?: pulumi.Input<string>;
}
