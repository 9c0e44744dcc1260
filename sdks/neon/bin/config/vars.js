"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
// Provider configuration read from the `neon` namespace of the stack config.
const pulumi = require("@pulumi/pulumi");
const utilities = require("../utilities");
const __config = new pulumi.Config("neon");
Object.defineProperty(exports, "apiKey", {
    get() {
        return __config.get("apiKey") ?? utilities.getEnv("NEON_API_KEY");
    },
    enumerable: true,
});
