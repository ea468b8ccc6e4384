import { describe, expect, test } from "vitest";
import { formatProblem, Problems } from "../../components/config/problems";
import {
  imageParts,
  isPinnedImage,
  SMOKE_CHECK_IDS,
  SMOKE_DEFAULTS,
  validateSmoke,
} from "../../components/config/smoke";

function run(smoke: unknown) {
  const problems = new Problems();
  const config = validateSmoke(smoke === undefined ? {} : { smoke }, problems);
  return { config, messages: problems.list.map(formatProblem) };
}

const DIGEST = "a".repeat(64);

describe("validateSmoke defaults", () => {
  test("an unset smoke key gives the documented defaults and no problems", () => {
    expect(run(undefined)).toEqual({
      config: {
        enabled: true,
        rerun: "always",
        nginxImage: "nginx:1.30.4",
        checkTimeoutSeconds: 120,
        suiteTimeoutSeconds: 600,
        skip: [],
        loginId: "qp-admin",
      },
      messages: [],
    });
  });

  test("the default image is itself pinned, so the default config passes its own rule", () => {
    expect(isPinnedImage(SMOKE_DEFAULTS.nginxImage)).toBe(true);
  });

  test("every valid field is taken as given", () => {
    expect(
      run({
        enabled: false,
        rerun: "onChange",
        nginxImage: `registry.local:5000/mirror/nginx@sha256:${DIGEST}`,
        checkTimeoutSeconds: 60,
        suiteTimeoutSeconds: 300,
        skip: ["nodeport", "platform-access"],
        loginId: "alice",
      }),
    ).toEqual({
      config: {
        enabled: false,
        rerun: "onChange",
        nginxImage: `registry.local:5000/mirror/nginx@sha256:${DIGEST}`,
        checkTimeoutSeconds: 60,
        suiteTimeoutSeconds: 300,
        skip: ["nodeport", "platform-access"],
        loginId: "alice",
      },
      messages: [],
    });
  });
});

describe("validateSmoke problems name the field, the value and the fix", () => {
  test.each([
    [
      "a list instead of a map",
      ["x"],
      'kind-access-lab:smoke = ["x"]: must be a map of smoke settings. Fix: use e.g. {enabled: true, rerun: always}, or leave it unset for the defaults.',
    ],
    [
      "an unknown setting",
      { timeout: 5 },
      "kind-access-lab:smoke.timeout = 5: is not a smoke setting. Fix: use one of enabled, rerun, nginxImage, checkTimeoutSeconds, suiteTimeoutSeconds, skip, loginId.",
    ],
    [
      "enabled as a string",
      { enabled: "yes" },
      'kind-access-lab:smoke.enabled = "yes": must be true or false. Fix: use true to run the suite on every up, false to leave it out.',
    ],
    [
      "an unknown rerun mode",
      { rerun: "sometimes" },
      'kind-access-lab:smoke.rerun = "sometimes": must be always or onChange. Fix: use always (every up) or onChange (only when the cluster or the test objects change).',
    ],
    [
      "an image with spaces",
      { nginxImage: "nginx 1.30" },
      'kind-access-lab:smoke.nginxImage = "nginx 1.30": is not an image reference. Fix: use e.g. "nginx:1.30.4".',
    ],
    [
      "an image without a tag",
      { nginxImage: "nginx" },
      'kind-access-lab:smoke.nginxImage = "nginx": is not pinned: its tag can move, so two runs could test different images. Fix: pin a full version tag or a digest, e.g. "nginx:1.30.4".',
    ],
    [
      "the latest tag",
      { nginxImage: "nginx:latest" },
      'kind-access-lab:smoke.nginxImage = "nginx:latest": is not pinned: its tag can move, so two runs could test different images. Fix: pin a full version tag or a digest, e.g. "nginx:1.30.4".',
    ],
    [
      "a minor-only tag",
      { nginxImage: "nginx:1.30" },
      'kind-access-lab:smoke.nginxImage = "nginx:1.30": is not pinned: its tag can move, so two runs could test different images. Fix: pin a full version tag or a digest, e.g. "nginx:1.30.4".',
    ],
    [
      "a registry port mistaken for a tag",
      { nginxImage: "registry.local:5000/nginx" },
      'kind-access-lab:smoke.nginxImage = "registry.local:5000/nginx": is not pinned: its tag can move, so two runs could test different images. Fix: pin a full version tag or a digest, e.g. "nginx:1.30.4".',
    ],
    [
      "a fractional check timeout",
      { checkTimeoutSeconds: 1.5 },
      "kind-access-lab:smoke.checkTimeoutSeconds = 1.5: must be a whole number of seconds from 10 to 1800. Fix: use e.g. 120 (the first nginx image pull can take a minute).",
    ],
    [
      "a check timeout too short",
      { checkTimeoutSeconds: 5 },
      "kind-access-lab:smoke.checkTimeoutSeconds = 5: must be a whole number of seconds from 10 to 1800. Fix: use e.g. 120 (the first nginx image pull can take a minute).",
    ],
    [
      "a suite timeout out of range",
      { suiteTimeoutSeconds: 10 },
      "kind-access-lab:smoke.suiteTimeoutSeconds = 10: must be a whole number of seconds from 30 to 7200. Fix: use e.g. 600.",
    ],
    [
      "a suite timeout shorter than one check",
      { checkTimeoutSeconds: 300, suiteTimeoutSeconds: 200 },
      "kind-access-lab:smoke.suiteTimeoutSeconds = 200: is shorter than checkTimeoutSeconds (300), so a slow check could never finish. Fix: use at least 300, e.g. 600.",
    ],
    [
      "skip as a string",
      { skip: "nodeport" },
      'kind-access-lab:smoke.skip = "nodeport": must be a list of check ids. Fix: use e.g. [nodeport, pod-network].',
    ],
    [
      "an unknown check id",
      { skip: ["nodeport", "node-port"] },
      'kind-access-lab:smoke.skip[1] = "node-port": is not a smoke check id. Fix: use one of encryption-at-rest, deployment, scale, spread, pod-network, port-forward, logs, exec, nodeport, runtime, platform-access.',
    ],
    [
      "a check id listed twice",
      { skip: ["exec", "exec"] },
      'kind-access-lab:smoke.skip[1] = "exec": is listed twice. Fix: list each check once.',
    ],
    [
      "a login id with a space",
      { loginId: "qp admin" },
      'kind-access-lab:smoke.loginId = "qp admin": must be a QueryPie login id (1 to 100 characters, no spaces). Fix: use e.g. "qp-admin".',
    ],
  ])("%s", (_name, smoke, message) => {
    expect(run(smoke).messages).toEqual([message]);
  });

  test("all problems are reported at once, not only the first", () => {
    expect(run({ enabled: 1, rerun: 2, skip: ["x"] }).messages).toHaveLength(3);
  });
});

describe("image references", () => {
  test.each([
    ["nginx:1.30.4", { repo: "nginx", tag: "1.30.4" }, true],
    [
      "docker.io/library/nginx:1.30.4-alpine",
      { repo: "docker.io/library/nginx", tag: "1.30.4-alpine" },
      true,
    ],
    ["registry.local:5000/nginx", { repo: "registry.local:5000/nginx" }, false],
    ["registry.local:5000/nginx:1.29.4", { repo: "registry.local:5000/nginx", tag: "1.29.4" }, true],
    [`nginx@sha256:${DIGEST}`, { repo: "nginx", digest: `sha256:${DIGEST}` }, true],
    ["nginx:stable", { repo: "nginx", tag: "stable" }, false],
  ])("%s splits and pins as expected", (image, parts, pinned) => {
    expect(imageParts(image)).toEqual(parts);
    expect(isPinnedImage(image)).toBe(pinned);
  });

  test("the check ids are the eleven of LAB-SPEC §4, in report order", () => {
    expect(SMOKE_CHECK_IDS).toHaveLength(11);
    expect(SMOKE_CHECK_IDS[0]).toBe("encryption-at-rest");
    expect(SMOKE_CHECK_IDS.at(-1)).toBe("platform-access");
  });
});
