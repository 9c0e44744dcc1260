import * as pulumi from "@pulumi/pulumi";
import * as utilities from "./utilities";

/**
 * A Postgres role on a Neon branch. Every change replaces it; Neon generates the password.
 *
 * Import: `pulumi import neon:index/role:Role <name> <project_id>/<branch_id>/<role_name>`
 */
export class Role extends pulumi.CustomResource {
    public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: RoleState, opts?: pulumi.CustomResourceOptions): Role {
        return new Role(name, <any>state, { ...opts, id: id });
    }

    /** @internal */
    public static readonly __pulumiType = "neon:index/role:Role";

    public static isInstance(obj: any): obj is Role {
        if (obj === undefined || obj === null) {
            return false;
        }
        return obj["__pulumiType"] === Role.__pulumiType;
    }

    public readonly branchId!: pulumi.Output<string>;
    public readonly name!: pulumi.Output<string>;
    /** Database authentication password. Secret. */
    public readonly password!: pulumi.Output<string>;
    public readonly projectId!: pulumi.Output<string>;
    public readonly protected!: pulumi.Output<boolean>;
    public readonly roleId!: pulumi.Output<string>;

    constructor(name: string, args: RoleArgs, opts?: pulumi.CustomResourceOptions);
    constructor(name: string, argsOrState?: RoleArgs | RoleState, opts?: pulumi.CustomResourceOptions) {
        let resourceInputs: pulumi.Inputs = {};
        opts = opts || {};
        if (opts.id) {
            const state = argsOrState as RoleState | undefined;
            resourceInputs["branchId"] = state ? state.branchId : undefined;
            resourceInputs["name"] = state ? state.name : undefined;
            resourceInputs["password"] = state ? state.password : undefined;
            resourceInputs["projectId"] = state ? state.projectId : undefined;
            resourceInputs["protected"] = state ? state.protected : undefined;
            resourceInputs["roleId"] = state ? state.roleId : undefined;
        } else {
            const args = argsOrState as RoleArgs | undefined;
            if ((!args || args.branchId === undefined) && !opts.urn) {
                throw new Error("Missing required property 'branchId'");
            }
            if ((!args || args.projectId === undefined) && !opts.urn) {
                throw new Error("Missing required property 'projectId'");
            }
            resourceInputs["branchId"] = args ? args.branchId : undefined;
            resourceInputs["name"] = args ? args.name : undefined;
            resourceInputs["projectId"] = args ? args.projectId : undefined;
            resourceInputs["roleId"] = args ? args.roleId : undefined;
            resourceInputs["password"] = undefined /*out*/;
            resourceInputs["protected"] = undefined /*out*/;
        }
        opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts);
        const secretOpts = { additionalSecretOutputs: ["password"] };
        opts = pulumi.mergeOptions(opts, secretOpts);
        super(Role.__pulumiType, name, resourceInputs, opts, false /*dependency*/, utilities.getPackage());
    }
}

export interface RoleState {
    branchId?: pulumi.Input<string>;
    name?: pulumi.Input<string>;
    password?: pulumi.Input<string>;
    projectId?: pulumi.Input<string>;
    protected?: pulumi.Input<boolean>;
    roleId?: pulumi.Input<string>;
}

/** The set of arguments for constructing a Role resource. */
export interface RoleArgs {
    /** Branch id. Changing it replaces the role. */
    branchId: pulumi.Input<string>;
    /** Role name (Postgres identifier, ≤ 63 bytes); Pulumi autonames it when omitted. Changing it replaces the role. */
    name?: pulumi.Input<string>;
    /** Project id. Changing it replaces the role. */
    projectId: pulumi.Input<string>;
    /** Bridge artefact of the Terraform `id`; do not set. */
    roleId?: pulumi.Input<string>;
}
