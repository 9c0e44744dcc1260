/** API access key (`neon:apiKey`; falls back to the NEON_API_KEY environment variable). */
export declare const apiKey: string | undefined;
