/** src/tools/neon/goSchema.ts on Go written the way kislerdm/terraform-provider-neon writes its schemas. */
import { describe, expect, it } from "vitest";
import { readProviderSchema, tokenize } from "../src/tools/neon/goSchema";

const PROVIDER = `package provider

import "github.com/hashicorp/terraform-plugin-sdk/v2/helper/schema"

var p = &schema.Provider{
	Schema: map[string]*schema.Schema{
		"api_key": {
			Type:        schema.TypeString,
			Optional:    true,
			Description: "API access key.",
			Default:     os.Getenv("NEON_API_KEY"),
		},
	},
	ResourcesMap: map[string]*schema.Resource{
		"neon_thing": resourceThing(),
	},
	DataSourcesMap: map[string]*schema.Resource{
		"neon_things": dataSourceThings(),
	},
}

// New returns the provider.
func New(version string) *schema.Provider { return p }
`;

const RESOURCE = `package provider

var schemaRegionID = &schema.Schema{
	Type:     schema.TypeString,
	Optional: true,
	Computed: true,
	ForceNew: true,
}

func newTristate(description string, forceNew bool) *schema.Schema {
	return &schema.Schema{
		Type:         schema.TypeString,
		Optional:     true,
		ForceNew:     forceNew,
		ValidateFunc: validateTristate,
		Description:  "yes/no. " + description,
	}
}

func newStoreDefault() *schema.Schema {
	o := newTristate(\`Whether passwords are stored.\`, true)
	o.Default = "yes"
	return o
}

func resourceThing() *schema.Resource {
	window := &schema.Schema{
		Type:     schema.TypeList,
		MaxItems: 1,
		Optional: true,
		Computed: true,
		Elem: &schema.Resource{
			Schema: map[string]*schema.Schema{
				"weekdays": {Type: schema.TypeList, Required: true, MinItems: 1, MaxItems: 7, Elem: &schema.Schema{Type: schema.TypeInt}},
			},
		},
	}
	return &schema.Resource{
		Description: \`A thing.\`,
		Schema: map[string]*schema.Schema{
			"id": {Type: schema.TypeString, Computed: true},
			"org_id": {
				Type:     schema.TypeString,
				Optional: true,
				ForceNew: true,
				DiffSuppressFunc: func(k, old, new string, d *schema.ResourceData) bool {
					return new == "" && old == d.Get(k).(string)
				},
			},
			"region_id": schemaRegionID,
			"store_password": newStoreDefault(),
			"settings": {Type: schema.TypeMap, Optional: true},
			"secret": {Type: schema.TypeString, Computed: true, Sensitive: true, Description: "a " + "b"},
			"window": window,
		},
	}
}

func dataSourceThings() *schema.Resource {
	return &schema.Resource{
		Schema: map[string]*schema.Schema{
			"project_id": {Type: schema.TypeString, Required: true},
			"things": {Type: schema.TypeList, Computed: true, Elem: &schema.Resource{Schema: map[string]*schema.Schema{"name": {Type: schema.TypeString, Computed: true}}}},
		},
	}
}
`;

describe("reading the provider's schema from Go", () => {
  it("tokenizes strings, raw strings, comments and operators", () => {
    expect(tokenize('a := "x\\"y" + `r\\n` // c\n/* d */ b').map((t) => t.value ?? t.text)).toEqual(["a", ":=", 'x"y', "+", "r\\n", "b"]);
  });

  it("evaluates literals, package vars, functions with their parameters and field assignments, and skips func literals", () => {
    const facts = readProviderSchema([PROVIDER, RESOURCE], { version: "9.9.9", source: "test" });
    expect(facts.config).toEqual({ api_key: { type: "string", optional: true, hasDefault: true, description: "API access key." } });
    expect(facts.resources.neon_thing).toEqual({
      description: "A thing.",
      attributes: {
        id: { type: "string", computed: true },
        org_id: { type: "string", optional: true, forceNew: true },
        region_id: { type: "string", optional: true, computed: true, forceNew: true },
        secret: { type: "string", computed: true, sensitive: true, description: "a b" },
        settings: { type: "map", optional: true },
        store_password: { type: "string", optional: true, forceNew: true, hasDefault: true, description: "yes/no. Whether passwords are stored." },
        window: {
          type: "list",
          optional: true,
          computed: true,
          maxItems: 1,
          elem: { block: { weekdays: { type: "list", required: true, maxItems: 7, minItems: 1, elem: { type: "int" } } } },
        },
      },
    });
    expect(facts.dataSources.neon_things.attributes.things).toEqual({
      type: "list",
      computed: true,
      elem: { block: { name: { type: "string", computed: true } } },
    });
  });

  it("says what it cannot read instead of guessing", () => {
    expect(() =>
      readProviderSchema([PROVIDER, RESOURCE.replace('"region_id": schemaRegionID', '"region_id": unknownHelper()')], { version: "9", source: "t" }),
    ).toThrow("neon_thing.region_id: cannot read this attribute's schema");
  });
});
