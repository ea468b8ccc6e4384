/**
 * The KindCluster's shell, run for real with /bin/sh against fake `kind`, `kubectl` and
 * `docker` that record their arguments and stdin. Proves the commands, exit codes and
 * messages; what the real tools do is for a Docker host to show.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import * as scripts from "../../components/kind/scripts";

const FAKE_KIND = `#!/bin/sh
echo "kind $*" >> "$FAKE_LOG"
case "$1 $2" in
  "get clusters")
    if [ -n "\${FAKE_DOCKER_DOWN:-}" ]; then echo "ERROR: failed to list clusters" >&2; exit 1; fi
    if [ -z "\${FAKE_CLUSTERS:-}" ]; then echo "No kind clusters found." >&2; else printf '%s\\n' $FAKE_CLUSTERS; fi ;;
  "get nodes") printf '%s\\n' \${FAKE_NODES:-} ;;
  "create cluster") cat > "$FAKE_STDIN"; echo "Creating cluster ..." >&2; exit \${FAKE_CREATE_RC:-0} ;;
  "delete cluster") echo "Deleting cluster ..." >&2 ;;
  "export kubeconfig") echo "Set kubectl context" >&2 ;;
  "get kubeconfig") echo "apiVersion: v1" ;;
esac
`;

const FAKE_KUBECTL = `#!/bin/sh
echo "kubectl $*" >> "$FAKE_LOG"
case "$*" in
  *" wait "*)
    if [ -n "\${FAKE_NOT_READY:-}" ]; then echo "error: timed out waiting for the condition on nodes/x" >&2; exit 1; fi
    echo "node/x condition met" ;;
  *"get nodes --no-headers"*) for n in \${FAKE_READY_NODES:-}; do echo "$n   Ready   <none>   1m   v1.33.1"; done ;;
  *"get nodes -o wide"*) echo "NAME STATUS" ;;
  *"get --raw /version"*) echo '{"gitVersion":"v1.33.1"}' ;;
esac
`;

const FAKE_DOCKER = `#!/bin/sh
echo "docker $*" >> "$FAKE_LOG"
for last; do :; done
case " \${FAKE_STOPPED:-} " in *" $last "*) echo false ;; *) echo true ;; esac
`;

let dir: string;
let state: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "kind-scripts-"));
  state = path.join(dir, "state", "cluster1");
  fs.mkdirSync(path.join(dir, "bin"));
  for (const [name, text] of [
    ["kind", FAKE_KIND],
    ["kubectl", FAKE_KUBECTL],
    ["docker", FAKE_DOCKER],
  ]) {
    fs.writeFileSync(path.join(dir, "bin", name), text, { mode: 0o755 });
  }
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const URN = "urn:pulumi:lab::kind-access-lab::lab:index:KindCluster$command:local:Command::cluster1-create";

function run(script: string, env: Record<string, string> = {}, input = "") {
  const res = spawnSync("/bin/sh", ["-c", script], {
    input,
    encoding: "utf8",
    env: {
      PATH: `${path.join(dir, "bin")}:/usr/bin:/bin`,
      FAKE_LOG: path.join(dir, "log"),
      FAKE_STDIN: path.join(dir, "stdin"),
      LAB_KIND_NAME: "cluster1",
      LAB_KUBECONFIG: path.join(state, "kubeconfig"),
      LAB_ENCRYPTION_DIR: path.join(state, "encryption"),
      LAB_ENCRYPTION_CONFIG: path.join(state, "encryption", "encryption-config.yaml"),
      LAB_EXPECTED_NODES: "2",
      LAB_READY_TIMEOUT: "300",
      LAB_CREATE_URN: URN,
      LAB_ENCRYPTION_URN: "urn:enc",
      ...env,
    },
  });
  const log = fs.existsSync(path.join(dir, "log")) ? fs.readFileSync(path.join(dir, "log"), "utf8") : "";
  return { code: res.status, stdout: res.stdout, stderr: res.stderr, log };
}

function writeEncryptionConfig() {
  fs.mkdirSync(path.join(state, "encryption"), { recursive: true });
  fs.writeFileSync(
    path.join(state, "encryption", "encryption-config.yaml"),
    "kind: EncryptionConfiguration\n",
  );
}

describe("WRITE_ENCRYPTION_CONFIG", () => {
  test("writes stdin to the file, owner-only, and prints nothing of it", () => {
    const secret = "kind: EncryptionConfiguration\n# key: c2VjcmV0\n";
    const r = run(scripts.WRITE_ENCRYPTION_CONFIG, {}, secret);
    expect(r.code).toBe(0);
    const file = path.join(state, "encryption", "encryption-config.yaml");
    expect(fs.readFileSync(file, "utf8")).toBe(secret);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(r.stdout + r.stderr).not.toContain("c2VjcmV0");
    expect(r.stderr).toContain("(mode 0600)");
  });

  test("DELETE_ENCRYPTION_CONFIG removes the file and its directory", () => {
    writeEncryptionConfig();
    expect(run(scripts.DELETE_ENCRYPTION_CONFIG).code).toBe(0);
    expect(fs.existsSync(path.join(state, "encryption"))).toBe(false);
  });
});

describe("CREATE_CLUSTER", () => {
  test("creates the cluster from stdin with --kubeconfig pointing at the stack's file, never ~/.kube/config", () => {
    writeEncryptionConfig();
    const r = run(scripts.CREATE_CLUSTER, {}, "kind: Cluster\nname: cluster1\n");
    expect(r.code).toBe(0);
    expect(r.log).toContain(
      `kind create cluster --name cluster1 --config - --kubeconfig ${state}/kubeconfig`,
    );
    expect(fs.readFileSync(path.join(dir, "stdin"), "utf8")).toBe("kind: Cluster\nname: cluster1\n");
    expect(r.stderr).toContain("~/.kube/config is not touched");
  });

  test("a cluster of the same name that the stack did not create is refused, with the command that clears it", () => {
    writeEncryptionConfig();
    const r = run(scripts.CREATE_CLUSTER, { FAKE_CLUSTERS: "other cluster1" });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      "kind-access-lab: a kind cluster named cluster1 already exists, but this stack did not create it (an interrupted earlier run, or made by hand). Its config is unknown, so it is not adopted. Delete it with: kind delete cluster --name cluster1 ; then run pulumi up again.",
    );
    expect(r.log).not.toContain("kind create");
  });

  test("a similarly named cluster (cluster10) does not count as cluster1", () => {
    writeEncryptionConfig();
    expect(run(scripts.CREATE_CLUSTER, { FAKE_CLUSTERS: "cluster10 xcluster1" }).code).toBe(0);
  });

  test("no Docker engine: says so instead of kind's bare error", () => {
    const r = run(scripts.CREATE_CLUSTER, { FAKE_DOCKER_DOWN: "1" });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      "cannot list kind clusters (ERROR: failed to list clusters). Is the Docker engine running?",
    );
  });

  test("a missing encryption config stops the create, naming the resource to replace", () => {
    const r = run(scripts.CREATE_CLUSTER);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      "is missing, and kube-apiserver cannot start without it. Write it again with: pulumi up --replace 'urn:enc'",
    );
  });

  test("a failed kind create is reported as such", () => {
    writeEncryptionConfig();
    const r = run(scripts.CREATE_CLUSTER, { FAKE_CREATE_RC: "1" });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("kind create cluster failed for cluster1");
  });
});

describe("DELETE_CLUSTER", () => {
  test("deletes through the stack's kubeconfig and removes the file, so no stale context is left", () => {
    fs.mkdirSync(state, { recursive: true });
    fs.writeFileSync(path.join(state, "kubeconfig"), "x");
    const r = run(scripts.DELETE_CLUSTER);
    expect(r.code).toBe(0);
    expect(r.log).toContain(`kind delete cluster --name cluster1 --kubeconfig ${state}/kubeconfig`);
    expect(fs.existsSync(path.join(state, "kubeconfig"))).toBe(false);
  });
});

describe("CHECK_READY (every up: drift and readiness)", () => {
  const healthy = { FAKE_CLUSTERS: "cluster1", FAKE_NODES: "cluster1-control-plane cluster1-worker" };

  test("a healthy cluster: waits for every node, refreshes the kubeconfig file, prints only /version", () => {
    const r = run(scripts.CHECK_READY, { ...healthy, FAKE_READY_NODES: "a b" });
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe('{"gitVersion":"v1.33.1"}');
    expect(r.log).toContain(`kind export kubeconfig --name cluster1 --kubeconfig ${state}/kubeconfig`);
    expect(r.log).toContain(
      `kubectl --kubeconfig ${state}/kubeconfig --context kind-cluster1 wait --for=condition=Ready nodes --all --timeout=300s`,
    );
  });

  test("a cluster deleted outside Pulumi is reported with the exact command that recreates it", () => {
    const r = run(scripts.CHECK_READY, { FAKE_CLUSTERS: "cluster2" });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      `kind-access-lab: kind cluster cluster1 is in this stack's state but not on this host (removed with kind delete cluster, or lost with Docker's data). Recreate it with: pulumi up --replace '${URN}'`,
    );
  });

  test("stopped node containers (a Docker restart) are named with the command that starts them", () => {
    const r = run(scripts.CHECK_READY, { ...healthy, FAKE_STOPPED: "cluster1-worker" });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      "kind-access-lab: node containers of cluster1 are not running: cluster1-worker (Docker restarted?). Start them with: docker start cluster1-worker ; then run pulumi up again.",
    );
  });

  test("a missing node container means an incomplete cluster: replace it", () => {
    const r = run(scripts.CHECK_READY, { FAKE_CLUSTERS: "cluster1", FAKE_NODES: "cluster1-control-plane" });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("has 1 node containers, expected 2. Recreate it with: pulumi up --replace");
  });

  test("nodes not Ready in time: a clear timeout error with where to look", () => {
    const r = run(scripts.CHECK_READY, { ...healthy, FAKE_NOT_READY: "1" });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `kind-access-lab: not every node of cluster1 became Ready within 300s. Look at: kubectl --kubeconfig ${state}/kubeconfig describe nodes ; docker logs cluster1-control-plane.`,
    );
    expect(r.stdout).toBe("");
  });

  test("fewer Ready nodes than expected fails even when wait --all passed", () => {
    const r = run(scripts.CHECK_READY, { ...healthy, FAKE_READY_NODES: "a" });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("only 1 of 2 nodes of cluster1 registered and Ready");
  });
});

describe("a tool missing from PATH is named as such, not taken for a stopped Docker engine", () => {
  const kindOnly = () => {
    const bin = path.join(dir, "kind-only");
    fs.mkdirSync(bin);
    fs.symlinkSync(path.join(dir, "bin", "kind"), path.join(bin, "kind"));
    return bin;
  };
  const noKind = (script: string) => {
    const r = run(script, { PATH: "/nonexistent" });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      "kind-access-lab: kind is not on the PATH pulumi runs with (/nonexistent). Install it (https://kind.sigs.k8s.io/docs/user/quick-start/#installation), then run the same pulumi command again.",
    );
  };

  test("CREATE_CLUSTER without kind", () => noKind(scripts.CREATE_CLUSTER));
  test("DELETE_CLUSTER without kind", () => noKind(scripts.DELETE_CLUSTER));
  test("CHECK_READY without kind", () => noKind(scripts.CHECK_READY));

  test("CHECK_READY without kubectl", () => {
    const bin = kindOnly();
    const r = run(scripts.CHECK_READY, { PATH: bin });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      `kind-access-lab: kubectl is not on the PATH pulumi runs with (${bin}). Install it (https://kubernetes.io/docs/tasks/tools/), then run the same pulumi command again.`,
    );
  });
});

describe("kubeconfig scripts", () => {
  test("external and internal kubeconfigs come from kind get kubeconfig, with --internal for the latter", () => {
    expect(run(scripts.GET_KUBECONFIG).log).toContain("kind get kubeconfig --name cluster1");
    fs.rmSync(path.join(dir, "log"));
    expect(run(scripts.GET_INTERNAL_KUBECONFIG).log).toContain(
      "kind get kubeconfig --internal --name cluster1",
    );
  });

  test("no script writes to the user's ~/.kube/config: every kind call that touches a kubeconfig names the stack's", () => {
    const calls = [scripts.CREATE_CLUSTER, scripts.DELETE_CLUSTER, scripts.CHECK_READY]
      .flatMap((text) => text.split("\n"))
      .filter((l) => /^\s*kind (create|delete|export)/.test(l));
    expect(calls).toHaveLength(3);
    for (const line of calls) expect(line).toContain('--kubeconfig "$LAB_KUBECONFIG"');
  });
});
