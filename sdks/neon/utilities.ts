// Local package for the Neon provider, written to the contract of the SDK that
// `pulumi package add terraform-provider kislerdm/neon 0.15.0` generates.

import * as runtime from "@pulumi/pulumi/runtime";

/** The Terraform provider version this package parameterizes (package.json `version`). */
export function getVersion(): string {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    return require("../package.json").version;
}

/** Default resource options: pin the plugin version. */
export function resourceOptsDefaults(): any {
    return { version: getVersion() };
}

let _packageRef: Promise<string | undefined> | undefined;

/** Registers the parameterized provider once per process and returns its package reference. */
export function getPackage(): Promise<string | undefined> {
    if (_packageRef === undefined) {
        if (!runtime.supportsParameterization()) {
            _packageRef = Promise.resolve(undefined);
        } else {
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
export function getEnv(...vars: string[]): string | undefined {
    for (const v of vars) {
        const value = process.env[v];
        if (value) {
            return value;
        }
    }
    return undefined;
}

/** @internal */
export function lazyLoad(exports: any, props: string[], loadModule: any) {
    for (const property of props) {
        Object.defineProperty(exports, property, {
            enumerable: true,
            get: function () {
                return loadModule()[property];
            },
        });
    }
}
