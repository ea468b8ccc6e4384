/**
 * The committed client types are exactly what `npm run gen:api` makes from the vendor file, so the
 * types cannot drift from the vendor's API description (and a clean clone needs no generation).
 */
import { readFileSync } from "node:fs";
import { expect, test } from "vitest";
import { GENERATED_TYPES, filterSpec, readVendorSpec, renderTypes } from "../../scripts/gen-api";

test("regenerating from the vendor file gives the committed text", async () => {
  const fresh = await renderTypes(readVendorSpec());
  expect(fresh === readFileSync(GENERATED_TYPES, "utf8"), "run `npm run gen:api` and commit the result").toBe(
    true,
  );
});

test("the filter keeps every KAC path and users/identify, and every schema they reference", () => {
  const spec = readVendorSpec();
  const filtered = filterSpec(spec) as {
    paths: Record<string, unknown>;
    components: { schemas: Record<string, unknown> };
  };
  const paths = Object.keys(filtered.paths);
  expect(paths).toContain("/api/external/v2/users/identify");
  expect(paths.filter((p) => p.startsWith("/api/external/v2/kac/")).length).toBe(18);
  expect(paths.length).toBe(19);
  const refs = JSON.stringify(filtered).match(/#\/components\/schemas\/[^"]+/g) ?? [];
  const missing = refs
    .map((r) => r.slice("#/components/schemas/".length))
    .filter((n) => !(n in filtered.components.schemas));
  expect(missing).toEqual([]);
});
