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

/** A terraform-plugin-framework resource written the way kislerdm/neon 0.17 writes neon_branch_backup_schedule, muxed beside the SDKv2 provider. */
const FRAMEWORK = `package provider

type widgetResource struct{ client *neonClient }

func NewWidgetResource() resource.Resource {
	return &widgetResource{}
}

func (r *widgetResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_widget"
}

func (r *widgetResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "A widget.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true},
			"project_id": schema.StringAttribute{
				Required: true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"tags": schema.ListAttribute{Optional: true, ElementType: types.StringType},
			"token": schema.StringAttribute{Computed: true, Sensitive: true},
			"slot": schema.ListNestedAttribute{
				Required: true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"kind": schema.StringAttribute{Required: true, Validators: []validator.String{kindValidator{}}},
						"hour": schema.Int64Attribute{Optional: true, Description: "Hour " + "of day."},
					},
				},
			},
		},
	}
}

func (p *frameworkProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewWidgetResource,
	}
}
`;

describe("reading terraform-plugin-framework resources", () => {
  it("finds the provider's framework resources by their constructors and reads their attributes into the SDKv2 vocabulary", () => {
    const facts = readProviderSchema([PROVIDER, RESOURCE, FRAMEWORK], { version: "9.9.9", source: "test" });
    expect(Object.keys(facts.resources)).toEqual(["neon_thing", "neon_widget"]);
    expect(facts.resources.neon_widget).toEqual({
      description: "A widget.",
      framework: true,
      attributes: {
        id: { type: "string", computed: true },
        project_id: { type: "string", required: true, forceNew: true },
        slot: {
          type: "list",
          required: true,
          elem: { block: { hour: { type: "int", optional: true, description: "Hour of day." }, kind: { type: "string", required: true } } },
        },
        tags: { type: "list", optional: true, elem: { type: "string" } },
        token: { type: "string", computed: true, sensitive: true },
      },
    });
    // The SDKv2 resources are read as before.
    expect(facts.resources.neon_thing).toEqual(readProviderSchema([PROVIDER, RESOURCE], { version: "9.9.9", source: "test" }).resources.neon_thing);
  });

  it("refuses an attribute kind it does not know, naming it", () => {
    expect(() =>
      readProviderSchema([PROVIDER, RESOURCE, FRAMEWORK.replace('"token": schema.StringAttribute', '"token": schema.DynamicAttribute')], {
        version: "9",
        source: "t",
      }),
    ).toThrow("neon_widget.token: schema.DynamicAttribute is not an attribute kind the reader knows");
  });
});
