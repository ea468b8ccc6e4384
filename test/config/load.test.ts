import { describe, expect, test } from "vitest";
import { LabConfigError, loadLabConfig } from "../../components/config";

describe("loadLabConfig (top-level keys)", () => {
  test("an unknown key is reported with the keys that exist, so a typo never passes silently", () => {
    expect(() => loadLabConfig({ clustres: [] }, { stack: "t" })).toThrow(LabConfigError);
    try {
      loadLabConfig({ clustres: [] }, { stack: "t" });
    } catch (e) {
      expect((e as LabConfigError).problems[0]).toMatchObject({ key: "clustres" });
    }
  });

  test("a plain-text API token is rejected without echoing it", () => {
    const run = () => loadLabConfig({ querypieApiToken: "ap-not-a-real-token" }, { stack: "t" });
    expect(run).toThrow(/querypieApiToken = "\(a plain value\)"/);
    expect(run).not.toThrow(/ap-not-a-real-token/);
  });
});
