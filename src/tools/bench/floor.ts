/**
 * The floor of the benchmark: a program module that registers the same number of plain
 * custom resources with the same SDK and nothing else, at module evaluation like a real
 * Pulumi program (so both pay the same stack depth for the SDK's source positions).
 * The count comes from TENANT_FLEET_FLOOR_REGISTRATIONS.
 */
import * as pulumi from "@pulumi/pulumi";

class Plain extends pulumi.CustomResource {
  constructor(name: string, props: pulumi.Inputs) {
    super("bench:index:Plain", name, props);
  }
}

const registrations = Number(process.env.TENANT_FLEET_FLOOR_REGISTRATIONS ?? "0");
for (let i = 0; i < registrations; i++) {
  new Plain(`plain-${i}`, { index: i, name: `Tenant ${i}`, region: "aws-eu-central-1" });
}

export const count = registrations;
