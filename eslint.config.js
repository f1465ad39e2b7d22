// ESLint for xla-ts, and the configuration docs/core.md recommends to users: typescript-eslint
// with type information, so that `strict-boolean-expressions` catches an array used as a
// condition (`if (x)`, `x ? a : b`, `!x`, `x && y`): an object is always true in JavaScript,
// whatever its data, so such a branch silently never changes. Run `npm run lint`.
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "build/", "node_modules/", ".pjrt/", "runs/", "bench/results/", "test/docs/.generated/", "vitest.config.ts", "**/*.js", "**/*.mjs", "**/*.cjs"] },
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // The rule this configuration is for. Objects (arrays, records) in a condition are errors;
      // nullable objects (`if (opt)` for `T | undefined`), strings, numbers and nullable
      // booleans / strings / numbers keep JavaScript's usual presence checks.
      "@typescript-eslint/strict-boolean-expressions": [
        "error",
        {
          allowString: true,
          allowNumber: true,
          allowNullableObject: true,
          allowNullableBoolean: true,
          allowNullableString: true,
          allowNullableNumber: true,
          allowAny: true,
        },
      ],
      // No `any` in the library (issue 12): unknown, generics, `Fn` (src/core/fn.ts) for "any
      // function". Tests and benchmarks may still use it (see the override below).
      "@typescript-eslint/no-explicit-any": "error",
      // `new Array<number>(n).fill(0)` sizes arrays on purpose.
      "@typescript-eslint/no-array-constructor": "off",
      // `declare module` augmentation and type namespaces for the public surface.
      "@typescript-eslint/no-namespace": "off",
      // `let [a, b] = …` where only b is reassigned stays one declaration.
      "prefer-const": ["error", { destructuring: "all" }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
  {
    // Tests, fixtures and benchmarks build loosely typed data on purpose (JSON fixtures, checks
    // that the run-time errors fire for values the types would refuse).
    files: ["test/**", "bench/**", "tools/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
);
