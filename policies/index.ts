/**
 * tenant-fleet's CrossGuard policy pack. Each rule lives in rules/ as engine-free logic;
 * this file only adapts them to @pulumi/policy as stack validations.
 *
 *   pulumi preview --policy-pack policies --policy-pack-config policies/config.<stack>.json
 */
import { PolicyPack, type PolicyConfigSchema, type StackValidationPolicy, type PolicyResource } from "@pulumi/policy";
import { RULES } from "./rules";
import type { RuleResource } from "./rules/types";

function toRuleResource(r: PolicyResource): RuleResource {
  return {
    type: r.type,
    name: r.name,
    urn: r.urn,
    props: r.props,
    protect: !!r.opts?.protect,
    parentUrn: r.parent?.urn ?? r.opts?.parent,
    propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies ?? {}).map(([k, deps]) => [k, deps.map((d) => d.urn)])),
  };
}

const policies: StackValidationPolicy[] = RULES.map((rule) => ({
  name: rule.name,
  description: rule.description,
  enforcementLevel: rule.enforcementLevel,
  configSchema: rule.configSchema
    ? {
        properties: rule.configSchema.properties as PolicyConfigSchema["properties"],
        required: rule.configSchema.required ? [...rule.configSchema.required] : undefined,
      }
    : undefined,
  validateStack: (args, reportViolation) => {
    const config = (args.getConfig?.() ?? {}) as Record<string, unknown>;
    for (const v of rule.validate(args.resources.map(toRuleResource), config)) reportViolation(v.message, v.urn);
  },
}));

new PolicyPack("tenant-fleet", { policies });
