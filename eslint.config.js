// ESLint (flat config): typescript-eslint's recommended rules, plus the house rules a
// reviewer would otherwise check by hand — no import cycles, the engine imports no adapter,
// adapters use the engine only through src/core/index.ts, functions under ~60 lines and
// files under ~350. Formatting is Prettier's job (.prettierrc), not ESLint's.
import js from "@eslint/js";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";
import importX from "eslint-plugin-import-x";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: ["dist/**", "node_modules/**", "bench/results/**", "examples/demo/out/**", "coverage/**", "**/*.mjs", "**/*.js", "!eslint.config.js"],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    plugins: { "import-x": importX },
    settings: {
      // import-x parses the imported files too (to follow cycles): with TypeScript's parser,
      // and `./x.js` specifiers resolved to the `./x.ts` files as tsc does.
      "import-x/extensions": [".ts", ".js"],
      "import-x/parsers": { "@typescript-eslint/parser": [".ts"] },
      "import-x/resolver-next": [createTypeScriptImportResolver({ project: "./tsconfig.json" })],
    },
    rules: {
      "import-x/no-cycle": ["error", { ignoreExternal: true }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      // Non-null assertions are how this codebase says "checked just above" (array index, map lookup).
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
  {
    // The source: small functions and files (STYLE.md). A longer one says why in an
    // eslint-disable comment.
    files: ["src/**/*.ts"],
    rules: {
      "max-lines-per-function": ["error", { max: 60, skipBlankLines: true, skipComments: true }],
      "max-lines": ["error", { max: 350, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    // The engine sees the world through its own small interfaces: no GitHub clients, no
    // command-line parser, no adapter code.
    files: ["src/core/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@actions/*", "@octokit/*", "commander"],
              message: "src/core knows nothing of GitHub or the command line: take what you need as a parameter.",
            },
            { group: ["**/action/**", "**/cli/**", "**/report/**", "**/shared/**"], message: "src/core never imports an adapter." },
          ],
        },
      ],
    },
  },
  {
    // Adapters use the engine through its public surface only.
    files: ["src/action/**/*.ts", "src/cli/**/*.ts", "src/report/**/*.ts", "src/shared/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ regex: "/core/(?!index\\.js$)", message: "import the engine through src/core/index.js (add an export there)." }] },
      ],
    },
  },
);
