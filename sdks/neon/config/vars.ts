// Provider configuration read from the `neon` namespace of the stack config.
import * as pulumi from "@pulumi/pulumi";
import * as utilities from "../utilities";

declare var exports: any;
const __config = new pulumi.Config("neon");

/** API access key (`neon:apiKey`; falls back to the NEON_API_KEY environment variable). */
export declare const apiKey: string | undefined;
Object.defineProperty(exports, "apiKey", {
    get() {
        return __config.get("apiKey") ?? utilities.getEnv("NEON_API_KEY");
    },
    enumerable: true,
});
