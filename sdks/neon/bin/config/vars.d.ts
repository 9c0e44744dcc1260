/**
 * API access key. Default is read from the environment variable `NEON_API_KEY`.
 *
 * Stack config `neon:apiKey`; only the config, never the environment (the Terraform provider reads that itself).
 */
export declare const apiKey: string | undefined;
