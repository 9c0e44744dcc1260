import * as pulumi from "@pulumi/pulumi";
import * as inputs from "./types/input";
import * as outputs from "./types/output";
/**
 * Neon Project.
 *
 * See details: https://neon.tech/docs/get-started-with-neon/setting-up-a-project/
 * API: https://api-docs.neon.tech/reference/createproject
 *
 * Changing `branch`, `orgId`, `pgVersion`, `regionId` replaces the resource: the provider deletes it and creates a new one.
 *
 * Import: `pulumi import neon:index/project:Project <name> <id>`
 */
export declare class Project extends pulumi.CustomResource {
    /** Gets an existing Project resource's state with the given name, ID, and optional extra properties used to qualify the lookup. */
    static get(name: string, id: pulumi.Input<pulumi.ID>, state?: ProjectState, opts?: pulumi.CustomResourceOptions): Project;
    /** True when `obj` is a Project, even across multiple copies of the SDK. */
    static isInstance(obj: any): obj is Project;
    /**
     * A list of IP addresses that are allowed to connect to the endpoints.
     * Note that the feature is available to the Neon Scale plans only. Details: https://neon.tech/docs/manage/projects#configure-ip-allow
     */
    readonly allowedIps: pulumi.Output<string[] | undefined>;
    readonly allowedIpsProtectedBranchesOnly: pulumi.Output<string | undefined>;
    /**
     * Maximal value of the project-wide autoscaling limit.
     * Note that it is not retrospectively applicable, i.e., existing compute resources are not affected by this configuration.
     */
    readonly autoscalingLimitMaxCu: pulumi.Output<number>;
    /**
     * Minimal value of the project-wide autoscaling limit.
     * Note that it is not retrospectively applicable, i.e., existing compute resources are not affected by this configuration.
     */
    readonly autoscalingLimitMinCu: pulumi.Output<number>;
    readonly blockPublicConnections: pulumi.Output<string | undefined>;
    readonly blockVpcConnections: pulumi.Output<string | undefined>;
    readonly branch: pulumi.Output<outputs.ProjectBranch | undefined>;
    /**
     * Provisioner The Neon compute provisioner.
     * Specify the k8s-neonvm provisioner to create a compute endpoint that supports Autoscaling.
     */
    readonly computeProvisioner: pulumi.Output<string>;
    /**
     * Default connection uri. **Note** that it contains access credentials.
     */
    readonly connectionUri: pulumi.Output<string>;
    /**
     * Default connection uri with the traffic via pooler. **Note** that it contains access credentials.
     */
    readonly connectionUriPooler: pulumi.Output<string>;
    /**
     * Default database host.
     */
    readonly databaseHost: pulumi.Output<string>;
    /**
     * Default endpoint host via pooler.
     */
    readonly databaseHostPooler: pulumi.Output<string>;
    /**
     * Default database name.
     */
    readonly databaseName: pulumi.Output<string>;
    /**
     * Default database access password.
     */
    readonly databasePassword: pulumi.Output<string>;
    /**
     * Default database role.
     */
    readonly databaseUser: pulumi.Output<string>;
    /**
     * Default branch ID.
     */
    readonly defaultBranchId: pulumi.Output<string>;
    /**
     * Set default branch as protected. **Note** that the default value is false.
     */
    readonly defaultBranchProtected: pulumi.Output<boolean | undefined>;
    /**
     * Default endpoint ID.
     */
    readonly defaultEndpointId: pulumi.Output<string>;
    readonly enableLogicalReplication: pulumi.Output<string | undefined>;
    readonly hipaa: pulumi.Output<string | undefined>;
    /**
     * The number of seconds to retain the point-in-time restore (PITR) backup history for this project.
     * Default: 1 day, see https://neon.tech/docs/reference/glossary#point-in-time-restore.
     */
    readonly historyRetentionSeconds: pulumi.Output<number | undefined>;
    /**
     * A time period during which Neon may perform maintenance on the project's infrastructure. During this time, the project's compute endpoints may be unavailable and existing connections can be interrupted.
     */
    readonly maintenanceWindow: pulumi.Output<outputs.ProjectMaintenanceWindow | undefined>;
    /**
     * Project name.
     */
    readonly name: pulumi.Output<string>;
    /**
     * Identifier of the organisation to which this project belongs.
     */
    readonly orgId: pulumi.Output<string | undefined>;
    /**
     * Postgres version
     */
    readonly pgVersion: pulumi.Output<number>;
    /**
     * Primary read-write compute resource provisioned with the project.
     */
    readonly primaryCompute: pulumi.Output<outputs.ProjectPrimaryCompute | undefined>;
    /**
     * Per-project consumption quota. If the quota is exceeded, all active computes
     * are automatically suspended and it will not be possible to start them with
     * an API method call or incoming proxy connections. The only exception is
     * logical_size_bytes, which is applied on per-branch basis, i.e., only the
     * compute on the branch that exceeds the logical_size quota will be suspended.
     *
     * Quotas are enforced based on per-project consumption metrics with the same names,
     * which are reset at the end of each billing period (the first day of the month).
     * Logical size is also an exception in this case, as it represents the total size
     * of data stored in a branch, so it is not reset.
     *
     * The zero value per attributed means 'unlimited'.
     */
    readonly quota: pulumi.Output<outputs.ProjectQuota | undefined>;
    /**
     * Deployment region: https://neon.tech/docs/introduction/regions
     */
    readonly regionId: pulumi.Output<string>;
    readonly storePassword: pulumi.Output<string | undefined>;
    /**
     * Duration of inactivity in seconds after which the compute endpoint is automatically suspended.
     * The value 0 means use the global default.
     * The value -1 means never suspend. The default value is 300 seconds (5 minutes).
     * The maximum value is 604800 seconds (1 week)
     */
    readonly suspendTimeoutSeconds: pulumi.Output<number>;
    /** Create a Project resource with the given unique name, arguments, and options. */
    constructor(name: string, args?: ProjectArgs, opts?: pulumi.CustomResourceOptions);
}
/** Input properties used for looking up and filtering Project resources. */
export interface ProjectState {
    /**
     * A list of IP addresses that are allowed to connect to the endpoints.
     * Note that the feature is available to the Neon Scale plans only. Details: https://neon.tech/docs/manage/projects#configure-ip-allow
     */
    allowedIps?: pulumi.Input<pulumi.Input<string>[]>;
    allowedIpsProtectedBranchesOnly?: pulumi.Input<string>;
    /**
     * Maximal value of the project-wide autoscaling limit.
     * Note that it is not retrospectively applicable, i.e., existing compute resources are not affected by this configuration.
     */
    autoscalingLimitMaxCu?: pulumi.Input<number>;
    /**
     * Minimal value of the project-wide autoscaling limit.
     * Note that it is not retrospectively applicable, i.e., existing compute resources are not affected by this configuration.
     */
    autoscalingLimitMinCu?: pulumi.Input<number>;
    blockPublicConnections?: pulumi.Input<string>;
    blockVpcConnections?: pulumi.Input<string>;
    branch?: pulumi.Input<inputs.ProjectBranch>;
    /**
     * Provisioner The Neon compute provisioner.
     * Specify the k8s-neonvm provisioner to create a compute endpoint that supports Autoscaling.
     */
    computeProvisioner?: pulumi.Input<string>;
    /**
     * Default connection uri. **Note** that it contains access credentials.
     */
    connectionUri?: pulumi.Input<string>;
    /**
     * Default connection uri with the traffic via pooler. **Note** that it contains access credentials.
     */
    connectionUriPooler?: pulumi.Input<string>;
    /**
     * Default database host.
     */
    databaseHost?: pulumi.Input<string>;
    /**
     * Default endpoint host via pooler.
     */
    databaseHostPooler?: pulumi.Input<string>;
    /**
     * Default database name.
     */
    databaseName?: pulumi.Input<string>;
    /**
     * Default database access password.
     */
    databasePassword?: pulumi.Input<string>;
    /**
     * Default database role.
     */
    databaseUser?: pulumi.Input<string>;
    /**
     * Default branch ID.
     */
    defaultBranchId?: pulumi.Input<string>;
    /**
     * Set default branch as protected. **Note** that the default value is false.
     */
    defaultBranchProtected?: pulumi.Input<boolean>;
    /**
     * Default endpoint ID.
     */
    defaultEndpointId?: pulumi.Input<string>;
    enableLogicalReplication?: pulumi.Input<string>;
    hipaa?: pulumi.Input<string>;
    /**
     * The number of seconds to retain the point-in-time restore (PITR) backup history for this project.
     * Default: 1 day, see https://neon.tech/docs/reference/glossary#point-in-time-restore.
     */
    historyRetentionSeconds?: pulumi.Input<number>;
    /**
     * A time period during which Neon may perform maintenance on the project's infrastructure. During this time, the project's compute endpoints may be unavailable and existing connections can be interrupted.
     */
    maintenanceWindow?: pulumi.Input<inputs.ProjectMaintenanceWindow>;
    /**
     * Project name.
     */
    name?: pulumi.Input<string>;
    /**
     * Identifier of the organisation to which this project belongs.
     */
    orgId?: pulumi.Input<string>;
    /**
     * Postgres version
     */
    pgVersion?: pulumi.Input<number>;
    /**
     * Primary read-write compute resource provisioned with the project.
     */
    primaryCompute?: pulumi.Input<inputs.ProjectPrimaryCompute>;
    /**
     * Per-project consumption quota. If the quota is exceeded, all active computes
     * are automatically suspended and it will not be possible to start them with
     * an API method call or incoming proxy connections. The only exception is
     * logical_size_bytes, which is applied on per-branch basis, i.e., only the
     * compute on the branch that exceeds the logical_size quota will be suspended.
     *
     * Quotas are enforced based on per-project consumption metrics with the same names,
     * which are reset at the end of each billing period (the first day of the month).
     * Logical size is also an exception in this case, as it represents the total size
     * of data stored in a branch, so it is not reset.
     *
     * The zero value per attributed means 'unlimited'.
     */
    quota?: pulumi.Input<inputs.ProjectQuota>;
    /**
     * Deployment region: https://neon.tech/docs/introduction/regions
     */
    regionId?: pulumi.Input<string>;
    storePassword?: pulumi.Input<string>;
    /**
     * Duration of inactivity in seconds after which the compute endpoint is automatically suspended.
     * The value 0 means use the global default.
     * The value -1 means never suspend. The default value is 300 seconds (5 minutes).
     * The maximum value is 604800 seconds (1 week)
     */
    suspendTimeoutSeconds?: pulumi.Input<number>;
}
/** The set of arguments for constructing a Project resource. */
export interface ProjectArgs {
    /**
     * A list of IP addresses that are allowed to connect to the endpoints.
     * Note that the feature is available to the Neon Scale plans only. Details: https://neon.tech/docs/manage/projects#configure-ip-allow
     */
    allowedIps?: pulumi.Input<pulumi.Input<string>[]>;
    allowedIpsProtectedBranchesOnly?: pulumi.Input<string>;
    /**
     * Maximal value of the project-wide autoscaling limit.
     * Note that it is not retrospectively applicable, i.e., existing compute resources are not affected by this configuration.
     */
    autoscalingLimitMaxCu?: pulumi.Input<number>;
    /**
     * Minimal value of the project-wide autoscaling limit.
     * Note that it is not retrospectively applicable, i.e., existing compute resources are not affected by this configuration.
     */
    autoscalingLimitMinCu?: pulumi.Input<number>;
    blockPublicConnections?: pulumi.Input<string>;
    blockVpcConnections?: pulumi.Input<string>;
    branch?: pulumi.Input<inputs.ProjectBranch>;
    /**
     * Provisioner The Neon compute provisioner.
     * Specify the k8s-neonvm provisioner to create a compute endpoint that supports Autoscaling.
     */
    computeProvisioner?: pulumi.Input<string>;
    /**
     * Set default branch as protected. **Note** that the default value is false.
     */
    defaultBranchProtected?: pulumi.Input<boolean>;
    enableLogicalReplication?: pulumi.Input<string>;
    hipaa?: pulumi.Input<string>;
    /**
     * The number of seconds to retain the point-in-time restore (PITR) backup history for this project.
     * Default: 1 day, see https://neon.tech/docs/reference/glossary#point-in-time-restore.
     */
    historyRetentionSeconds?: pulumi.Input<number>;
    /**
     * A time period during which Neon may perform maintenance on the project's infrastructure. During this time, the project's compute endpoints may be unavailable and existing connections can be interrupted.
     */
    maintenanceWindow?: pulumi.Input<inputs.ProjectMaintenanceWindow>;
    /**
     * Project name.
     */
    name?: pulumi.Input<string>;
    /**
     * Identifier of the organisation to which this project belongs.
     */
    orgId?: pulumi.Input<string>;
    /**
     * Postgres version
     */
    pgVersion?: pulumi.Input<number>;
    /**
     * Primary read-write compute resource provisioned with the project.
     */
    primaryCompute?: pulumi.Input<inputs.ProjectPrimaryCompute>;
    /**
     * Per-project consumption quota. If the quota is exceeded, all active computes
     * are automatically suspended and it will not be possible to start them with
     * an API method call or incoming proxy connections. The only exception is
     * logical_size_bytes, which is applied on per-branch basis, i.e., only the
     * compute on the branch that exceeds the logical_size quota will be suspended.
     *
     * Quotas are enforced based on per-project consumption metrics with the same names,
     * which are reset at the end of each billing period (the first day of the month).
     * Logical size is also an exception in this case, as it represents the total size
     * of data stored in a branch, so it is not reset.
     *
     * The zero value per attributed means 'unlimited'.
     */
    quota?: pulumi.Input<inputs.ProjectQuota>;
    /**
     * Deployment region: https://neon.tech/docs/introduction/regions
     */
    regionId?: pulumi.Input<string>;
    storePassword?: pulumi.Input<string>;
    /**
     * Duration of inactivity in seconds after which the compute endpoint is automatically suspended.
     * The value 0 means use the global default.
     * The value -1 means never suspend. The default value is 300 seconds (5 minutes).
     * The maximum value is 604800 seconds (1 week)
     */
    suspendTimeoutSeconds?: pulumi.Input<number>;
}
