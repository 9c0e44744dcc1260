"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.types = exports.config = exports.Role = exports.Provider = exports.Project = exports.Endpoint = exports.Database = exports.Branch = void 0;
// The Neon provider's resources, as the generated local package exports them.
const pulumi = require("@pulumi/pulumi");
const utilities = require("./utilities");
exports.Branch = null;
utilities.lazyLoad(exports, ["Branch"], () => require("./branch"));
exports.Database = null;
utilities.lazyLoad(exports, ["Database"], () => require("./database"));
exports.Endpoint = null;
utilities.lazyLoad(exports, ["Endpoint"], () => require("./endpoint"));
exports.Project = null;
utilities.lazyLoad(exports, ["Project"], () => require("./project"));
exports.Provider = null;
utilities.lazyLoad(exports, ["Provider"], () => require("./provider"));
exports.Role = null;
utilities.lazyLoad(exports, ["Role"], () => require("./role"));
// Export sub-modules:
const config = require("./config");
exports.config = config;
const types = require("./types");
exports.types = types;
const _module = {
    version: utilities.getVersion(),
    construct: (name, type, urn) => {
        switch (type) {
            case "neon:index/branch:Branch":
                return new exports.Branch(name, undefined, { urn });
            case "neon:index/database:Database":
                return new exports.Database(name, undefined, { urn });
            case "neon:index/endpoint:Endpoint":
                return new exports.Endpoint(name, undefined, { urn });
            case "neon:index/project:Project":
                return new exports.Project(name, undefined, { urn });
            case "neon:index/role:Role":
                return new exports.Role(name, undefined, { urn });
            default:
                throw new Error(`unknown resource type ${type}`);
        }
    },
};
pulumi.runtime.registerResourceModule("neon", "index", _module);
pulumi.runtime.registerResourcePackage("neon", {
    version: utilities.getVersion(),
    constructProvider: (name, type, urn) => {
        if (type !== "pulumi:providers:neon") {
            throw new Error(`unknown provider type ${type}`);
        }
        return new exports.Provider(name, undefined, { urn });
    },
});
