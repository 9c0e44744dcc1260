/**
 * Plausible provider outputs for the mock runtime, so that code reading them (hosts,
 * connection strings, ARNs) runs offline. Values are obviously fake.
 */
export function fakeOutputs(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, "-");
  switch (type) {
    case "neon:index/project:Project": {
      const region = String(inputs.regionId ?? "aws-us-east-1").replace(/^aws-/, "");
      const host = `ep-${slug}-00000000.${region}.aws.neon.tech`;
      const branch = (inputs.branch ?? {}) as { databaseName?: string; roleName?: string };
      const db = branch.databaseName ?? "neondb";
      const role = branch.roleName ?? "neondb_owner";
      return {
        databaseHost: host,
        databaseHostPooler: host.replace(/^(ep-[^.]+)/, "$1-pooler"),
        databaseName: db,
        databaseUser: role,
        databasePassword: "fake-password",
        connectionUri: `postgresql://${role}:fake-password@${host}/${db}?sslmode=require&channel_binding=require`,
        connectionUriPooler: `postgresql://${role}:fake-password@${host.replace(/^(ep-[^.]+)/, "$1-pooler")}/${db}?sslmode=require&channel_binding=require`,
        defaultBranchId: `br-${slug}`,
        defaultEndpointId: `ep-${slug}`,
      };
    }
    case "aws:s3/bucket:Bucket": {
      const bucket = `${String(inputs.bucketPrefix ?? `${slug}-`)}0000000000000000000000000`.slice(0, 63);
      return { bucket, arn: `arn:aws:s3:::${bucket}`, bucketRegionalDomainName: `${bucket}.s3.${String(inputs.region)}.amazonaws.com` };
    }
    case "aws:kms/key:Key":
      return {
        keyId: `${slug}-0000`,
        arn: `arn:aws:kms:${String(inputs.region ?? "us-east-1")}:123456789012:key/${slug}-0000`,
        // Without a policy AWS applies its default one, which hands the key to the account's IAM policies.
        ...(inputs.policy === undefined
          ? {
              policy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [
                  { Sid: "Enable IAM User Permissions", Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "kms:*", Resource: "*" },
                ],
              }),
            }
          : {}),
      };
    case "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
      return { arn: `arn:aws:iam::123456789012:oidc-provider/${String(inputs.url ?? "").replace(/^https:\/\//, "")}` };
    case "aws:iam/role:Role":
      return { arn: `arn:aws:iam::123456789012:role/${slug}`, name: slug };
    default:
      return {};
  }
}
