"use strict";
// Local package for the Neon provider, written to the contract of the SDK that
// `pulumi package add terraform-provider kislerdm/neon 0.15.0` generates.
Object.defineProperty(exports, "__esModule", { value: true });
exports.getVersion = getVersion;
exports.resourceOptsDefaults = resourceOptsDefaults;
exports.getPackage = getPackage;
exports.getEnv = getEnv;
exports.lazyLoad = lazyLoad;
const runtime = require("@pulumi/pulumi/runtime");
/** The Terraform provider version this package parameterizes (package.json `version`). */
function getVersion() {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    return require("../package.json").version;
}
/** Default resource options: pin the plugin version. */
function resourceOptsDefaults() {
    return { version: getVersion() };
}
let _packageRef;
/** Registers the parameterized provider once per process and returns its package reference. */
function getPackage() {
    if (_packageRef === undefined) {
        if (!runtime.supportsParameterization()) {
            _packageRef = Promise.resolve(undefined);
        }
        else {
            _packageRef = runtime.registerPackage({
                baseProviderName: "terraform-provider",
                baseProviderVersion: "1.3.0",
                baseProviderDownloadUrl: "",
                packageName: "neon",
                packageVersion: "0.15.0",
                base64Parameter: "eyJyZW1vdGUiOnsidXJsIjoicmVnaXN0cnkub3BlbnRvZnUub3JnL2tpc2xlcmRtL25lb24iLCJ2ZXJzaW9uIjoiMC4xNS4wIn19",
            });
        }
    }
    return _packageRef;
}
/** Reads an environment variable, the first of `vars` that is set. */
function getEnv(...vars) {
    for (const v of vars) {
        const value = process.env[v];
        if (value) {
            return value;
        }
    }
    return undefined;
}
/** @internal */
function lazyLoad(exports, props, loadModule) {
    for (const property of props) {
        Object.defineProperty(exports, property, {
            enumerable: true,
            get: function () {
                return loadModule()[property];
            },
        });
    }
}
