import * as pulumi from "@pulumi/pulumi";
import * as inputs from "./types/input";
import * as outputs from "./types/output";
/**
 * Manages the automatic snapshot backup schedule for a Neon branch.
 *
 * Import: `pulumi import neon:index/branchBackupSchedule:BranchBackupSchedule <name> <id>`
 */
export declare class BranchBackupSchedule extends pulumi.CustomResource {
    /** Gets an existing BranchBackupSchedule resource's state with the given name, ID, and optional extra properties used to qualify the lookup. */
    static get(name: string, id: pulumi.Input<pulumi.ID>, state?: BranchBackupScheduleState, opts?: pulumi.CustomResourceOptions): BranchBackupSchedule;
    /** True when `obj` is a BranchBackupSchedule, even across multiple copies of the SDK. */
    static isInstance(obj: any): obj is BranchBackupSchedule;
    /**
     * The Neon branch ID.
     */
    readonly branchId: pulumi.Output<string>;
    /**
     * The Neon project ID.
     */
    readonly projectId: pulumi.Output<string>;
    /**
     * Snapshot frequencies configured for the branch.
     */
    readonly schedules: pulumi.Output<outputs.BranchBackupScheduleSchedule[]>;
    /** Create a BranchBackupSchedule resource with the given unique name, arguments, and options. */
    constructor(name: string, args: BranchBackupScheduleArgs, opts?: pulumi.CustomResourceOptions);
}
/** Input properties used for looking up and filtering BranchBackupSchedule resources. */
export interface BranchBackupScheduleState {
    /**
     * The Neon branch ID.
     */
    branchId?: pulumi.Input<string>;
    /**
     * The Neon project ID.
     */
    projectId?: pulumi.Input<string>;
    /**
     * Snapshot frequencies configured for the branch.
     */
    schedules?: pulumi.Input<pulumi.Input<inputs.BranchBackupScheduleSchedule>[]>;
}
/** The set of arguments for constructing a BranchBackupSchedule resource. */
export interface BranchBackupScheduleArgs {
    /**
     * The Neon branch ID.
     */
    branchId: pulumi.Input<string>;
    /**
     * The Neon project ID.
     */
    projectId: pulumi.Input<string>;
    /**
     * Snapshot frequencies configured for the branch.
     */
    schedules: pulumi.Input<pulumi.Input<inputs.BranchBackupScheduleSchedule>[]>;
}
