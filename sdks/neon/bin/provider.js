"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.Provider = void 0;
const pulumi = require("@pulumi/pulumi");
const utilities = require("./utilities");
/**
 * The provider type for the Neon package. Create one explicitly to choose the API key,
 * and pass it as `provider` to every Neon resource.
 */
class Provider extends pulumi.ProviderResource {
    /** True when `obj` is a Provider, even across multiple copies of the SDK. */
    static isInstance(obj) {
        if (obj === undefined || obj === null) {
            return false;
        }
        return obj["__pulumiType"] === "pulumi:providers:" + Provider.__pulumiType;
    }
    constructor(name, args, opts) {
        let resourceInputs = {};
        opts = opts || {};
        {
            resourceInputs["apiKey"] = (args ? args.apiKey : undefined) ?? utilities.getEnv("NEON_API_KEY");
        }
        opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts);
        super(Provider.__pulumiType, name, resourceInputs, opts, false /*dependency*/, utilities.getPackage());
    }
}
exports.Provider = Provider;
/** @internal */
Provider.__pulumiType = "neon";
