// Output types of the Neon provider's nested blocks.

export interface ProjectBranch {
    /** Branch id. */
    id: string;
    name: string;
    roleName: string;
    databaseName: string;
}

export interface ProjectDefaultEndpointSettings {
    /** Default endpoint id. */
    id: string;
    autoscalingLimitMinCu?: number;
    autoscalingLimitMaxCu?: number;
    suspendTimeoutSeconds?: number;
}

export interface ProjectQuota {
    activeTimeSeconds?: number;
    computeTimeSeconds?: number;
    writtenDataBytes?: number;
    dataTransferBytes?: number;
    logicalSizeBytes?: number;
}

export interface ProjectMaintenanceWindow {
    weekdays: number[];
    startTime: string;
    endTime: string;
}
