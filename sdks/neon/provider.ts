import * as pulumi from "@pulumi/pulumi";
import * as utilities from "./utilities";

/**
 * The provider type for the Neon package. Create one explicitly to choose the API key,
 * and pass it as `provider` to every Neon resource.
 */
export class Provider extends pulumi.ProviderResource {
    /** @internal */
    public static readonly __pulumiType = "neon";

    /** True when `obj` is a Provider, even across multiple copies of the SDK. */
    public static isInstance(obj: any): obj is Provider {
        if (obj === undefined || obj === null) {
            return false;
        }
        return obj["__pulumiType"] === "pulumi:providers:" + Provider.__pulumiType;
    }

    /** API access key. Not marked secret by the provider: pass a `pulumi.secret`. */
    public readonly apiKey!: pulumi.Output<string | undefined>;

    constructor(name: string, args?: ProviderArgs, opts?: pulumi.ResourceOptions) {
        let resourceInputs: pulumi.Inputs = {};
        opts = opts || {};
        {
            resourceInputs["apiKey"] = (args ? args.apiKey : undefined) ?? utilities.getEnv("NEON_API_KEY");
        }
        opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts);
        super(Provider.__pulumiType, name, resourceInputs, opts, false /*dependency*/, utilities.getPackage());
    }
}

/** The set of arguments for constructing a Provider resource. */
export interface ProviderArgs {
    /** API access key; defaults to the NEON_API_KEY environment variable. */
    apiKey?: pulumi.Input<string>;
}
