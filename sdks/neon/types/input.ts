// Input types of the Neon provider's nested blocks.
import * as pulumi from "@pulumi/pulumi";

export interface ProjectBranch {
    /** Default branch name (Neon default `main`). Changing it replaces the project. */
    name?: pulumi.Input<string>;
    /** Default role name. Changing it replaces the project. */
    roleName?: pulumi.Input<string>;
    /** Default database name, owned by `roleName`. Changing it replaces the project. */
    databaseName?: pulumi.Input<string>;
}

export interface ProjectDefaultEndpointSettings {
    /** Minimum compute units; sent only if > 0. */
    autoscalingLimitMinCu?: pulumi.Input<number>;
    /** Maximum compute units; sent only if > 0. */
    autoscalingLimitMaxCu?: pulumi.Input<number>;
    /** -1 never suspend, 0 Neon's default (300 s), up to 604800. */
    suspendTimeoutSeconds?: pulumi.Input<number>;
}

export interface ProjectQuota {
    /** Wall-clock compute time per billing period, seconds (0 = unlimited). */
    activeTimeSeconds?: pulumi.Input<number>;
    /** CPU seconds per billing period (0 = unlimited). */
    computeTimeSeconds?: pulumi.Input<number>;
    /** Data written across branches per billing period, bytes (0 = unlimited). */
    writtenDataBytes?: pulumi.Input<number>;
    /** Egress via proxy per billing period, bytes (0 = unlimited). */
    dataTransferBytes?: pulumi.Input<number>;
    /** Per-branch logical size limit, bytes (0 = unlimited). */
    logicalSizeBytes?: pulumi.Input<number>;
}

export interface ProjectMaintenanceWindow {
    /** 1 = Monday .. 7 = Sunday. */
    weekdays: pulumi.Input<pulumi.Input<number>[]>;
    /** HH:MM, UTC. */
    startTime: pulumi.Input<string>;
    /** HH:MM, UTC. */
    endTime: pulumi.Input<string>;
}
