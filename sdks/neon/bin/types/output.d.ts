export interface BranchBackupScheduleSchedule {
    /**
     * Day of the week or month, when applicable.
     */
    day?: number;
    /**
     * Snapshot frequency: daily, weekly, or monthly.
     */
    frequency: string;
    /**
     * Hour of the day, when applicable.
     */
    hour?: number;
    /**
     * Month of the year, when applicable.
     */
    month?: number;
    /**
     * How long to retain scheduled snapshots, in seconds.
     */
    retentionSeconds?: number;
}
export interface GetBranchEndpointsEndpoint {
    /**
     * Endpoint URI.
     */
    host: string;
    /**
     * Endpoint ID.
     */
    id: string;
    proxyHost: string;
    /**
     * Deployment region: https://neon.tech/docs/introduction/regions
     */
    regionId: string;
    /**
     * Access type.
     */
    type: string;
}
export interface GetBranchesBranch {
    /**
     * Branch ID.
     */
    id: string;
    /**
     * Branch logical size in MB.
     */
    logicalSize: number;
    /**
     * Branch name.
     */
    name: string;
    /**
     * ID of the branch to checkout.
     */
    parentId: string;
    /**
     * Primary branch flag.
     */
    primary: boolean;
}
export interface GetBranchRolesRole {
    /**
     * Role name.
     */
    name: string;
    protected: boolean;
}
export interface ProjectBranch {
    /**
     * The name of the default database provisioned upon creation of new project. It's owned by the default role (`role_name`).
     * If not specified, the default database name will be used.
     */
    databaseName: string;
    /**
     * Branch ID.
     */
    id: string;
    /**
     * The name of the default branch provisioned upon creation of new project.
     * If not specified, the default branch name will be used.
     */
    name: string;
    /**
     * The name of the default role provisioned upon creation of new project.
     * If not specified, the default role name will be used.
     */
    roleName: string;
}
export interface ProjectMaintenanceWindow {
    /**
     * End time of the maintenance window, in the format of "HH:MM". Uses UTC.
     */
    endTime: string;
    /**
     * Start time of the maintenance window, in the format of "HH:MM". Uses UTC.
     */
    startTime: string;
    /**
     * A list of weekdays when the maintenance window is active. Encoded as ints, where 1 - Monday, and 7 - Sunday.
     */
    weekdays: number[];
}
export interface ProjectPrimaryCompute {
    /**
     * Maximal value of the autoscaling limit for the primary project compute.
     */
    autoscalingLimitMaxCu: number;
    /**
     * Minimal value of the autoscaling limit for the primary project compute.
     */
    autoscalingLimitMinCu: number;
    /**
     * Endpoint ID.
     */
    id: string;
    /**
     * Compute name.
     */
    name: string;
    /**
     * Duration of inactivity in seconds after which the default compute endpoint is automatically suspended.
     * The value 0 means use the global default.
     * The value -1 means never suspend. The default value is 300 seconds (5 minutes).
     * The maximum value is 604800 seconds (1 week)
     */
    suspendTimeoutSeconds: number;
}
export interface ProjectQuota {
    /**
     * The total amount of wall-clock time allowed to be spent by the project's compute endpoints.
     */
    activeTimeSeconds: number;
    /**
     * The total amount of CPU seconds allowed to be spent by the project's compute endpoints.
     */
    computeTimeSeconds: number;
    /**
     * Total amount of data transferred from all of a project's branches using the proxy.
     */
    dataTransferBytes: number;
    /**
     * Limit on the logical size of every project's branch.
     */
    logicalSizeBytes: number;
    /**
     * Total amount of data written to all of a project's branches.
     */
    writtenDataBytes: number;
}
