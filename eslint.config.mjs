// The linter of `npm run lint` (ESLint 9 flat config): ESLint's and typescript-eslint's
// recommended rules without type information (seconds, not minutes), and the size the source is
// held to outside test/: no file over 500 lines, no function over 80 (blank lines and comments
// not counted). Formatting is Prettier's (.prettierrc.json), never ESLint's. The layers and
// import cycles are dependency-cruiser's (.dependency-cruiser.cjs, npm run lint:deps).
import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import globals from "globals";
import tseslint from "typescript-eslint";

/** Generated or installed, never written by hand (also in .prettierignore and .gitattributes). */
const GENERATED = ["sdks/neon/**", "test/golden/**", "reports/**", "**/node_modules/**", "**/bin/**"];
const SOURCE = ["**/*.ts", "**/*.mts", "**/*.mjs", "**/*.cjs"];
const TESTS = ["test/**", "packages/*/test/**"];

export default defineConfig(
  { ignores: GENERATED },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: SOURCE,
    languageOptions: { ecmaVersion: 2023, globals: globals.node },
    rules: {
      // `_`-prefixed parameters and destructured leftovers are deliberate.
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none", ignoreRestSiblings: true }],
    },
  },
  { files: ["**/*.cjs"], rules: { "@typescript-eslint/no-require-imports": "off" } },
  {
    // Tests cast what a mock or the engine hands them.
    files: TESTS,
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    // One module per job (issue 33).
    files: SOURCE,
    ignores: TESTS,
    rules: {
      "max-lines": ["error", { max: 500, skipBlankLines: true, skipComments: true }],
      "max-lines-per-function": ["error", { max: 80, skipBlankLines: true, skipComments: true, IIFEs: true }],
    },
  },
);
