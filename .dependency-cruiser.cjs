/**
 * The layers of tenant-fleet and the direction each may import, stated once (docs/architecture.md
 * explains them; this file is the source of truth). `npm run lint:deps` checks every import of
 * the program, the policy pack, the command line, the tools and the tests against it:
 *
 *   core (src/core, tenants/)  ◀── plan (src/plan) ◀── catalog (src/catalog)
 *        ▲                         ▲  ▲                    ▲
 *        │                         │  └── components/ ◀── index.ts
 *        │                         ├── review (src/review) ┘ (review may read the catalog)
 *        │                         ├── operations (src/operations) ──▶ catalog, cli
 *        │                         └── policies/
 *   cli (src/cli) ──▶ core        engine (src/engine) ──▶ everything but scripts/ and test/
 *   scripts/, src/tools ──▶ anything but test/          test/ ──▶ anything
 *
 * npm packages and Node's own modules may be imported from every layer. Type-only imports count
 * (tsPreCompilationDeps): a type is a dependency a reader has to follow too.
 */

/** Where each layer's files live (paths relative to the project root). */
const LAYERS = {
  core: "^(src/core/|tenants/)",
  plan: "^src/plan/",
  catalog: "^src/catalog/",
  components: "^components/",
  review: "^src/review/",
  operations: "^src/operations/",
  policies: "^policies/",
  cli: "^src/cli/",
  engine: "^src/engine/",
  program: "^index\\.ts$",
  scripts: "^scripts/",
  tools: "^src/tools/",
  test: "^(test/|packages/[^/]+/test/)",
  sdks: "^sdks/",
};

/** Every file of the project (anything else is an npm package or a Node module). */
const PROJECT = "^(index\\.ts$|src/|tenants/|components/|policies/|scripts/|test/|packages/|sdks/)";

/** A rule: files of `layer` import project files only from their own layer and `allowed`. */
function importsOnly(layer, allowed) {
  return {
    name: `${layer}-imports-only-${allowed.length ? allowed.join("-") : "itself"}`,
    comment: `${layer} may import only ${[layer, ...allowed].join(", ")} (and npm packages): see docs/architecture.md "Layers"`,
    severity: "error",
    from: { path: LAYERS[layer] },
    to: { path: PROJECT, pathNot: [layer, ...allowed].map((l) => LAYERS[l]) },
  };
}

/** A rule: files of `layer` never import `forbidden`. */
function neverImports(layer, forbidden) {
  return {
    name: `${layer}-never-imports-${forbidden.join("-")}`,
    comment: `${layer} must not import ${forbidden.join(" or ")}: see docs/architecture.md "Layers"`,
    severity: "error",
    from: { path: LAYERS[layer] },
    to: { path: forbidden.map((l) => LAYERS[l]) },
  };
}

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "no import cycle between files, type-only imports included: break it by moving the shared part into its own module",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    importsOnly("core", []),
    importsOnly("plan", ["core"]),
    importsOnly("catalog", ["plan", "core"]),
    importsOnly("components", ["plan", "core", "sdks"]),
    importsOnly("review", ["plan", "catalog", "core"]),
    importsOnly("operations", ["plan", "catalog", "core", "cli"]),
    importsOnly("policies", ["plan", "core"]),
    importsOnly("cli", ["core"]),
    importsOnly("program", ["components", "plan", "core"]),
    neverImports("engine", ["scripts", "test"]),
    neverImports("scripts", ["test"]),
    neverImports("tools", ["test"]),
    {
      name: "neon-sdk-only-through-components-neon",
      comment:
        "the program uses the Neon provider's SDK (@pulumi/neon) only through components/neon.ts, so that moving to another Neon provider changes one file: import from there (docs/neon-provider.md \"Official provider\"); the tests, the SDK generator (src/tools/neon/) and the benchmark's SDK floor, which replays registrations on the SDK's own classes, are exempt",
      severity: "error",
      from: { pathNot: "^(components/neon\\.ts$|test/|src/tools/neon/|src/tools/bench/sdkFloor\\.ts$|sdks/)" },
      to: { path: "(^|/)node_modules/@pulumi/neon/" },
    },
    {
      name: "package-imports-only-itself",
      comment: "a package under packages/ is installed by the application on its own: its source imports nothing of the stack",
      severity: "error",
      from: { path: "^packages/([^/]+)/src/" },
      to: { path: PROJECT, pathNot: "^packages/$1/" },
    },
  ],
  options: {
    doNotFollow: { path: "(^|/)node_modules/" },
    // Packages are left out of the graph, except @pulumi/neon: the rule above looks for imports of it.
    exclude: { path: "(^|/)node_modules/(?!@pulumi/neon/)" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    // @pulumi/neon is installed from sdks/neon (package.json "file:sdks/neon"): keep the path
    // node_modules/@pulumi/neon so that it counts as the npm package it is, like @pulumi/aws.
    preserveSymlinks: true,
  },
};
