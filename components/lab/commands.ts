/**
 * The lab's commands: up, down, status, smoke, render, preflight, ci. Every effect comes in
 * through LabDeps (workspace, host probe, scripts, clock, signals), so tests drive them with
 * fakes and check the order of calls and the exit codes.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { loadLabConfig, type LabConfig } from "../config";
import { readStackFile } from "../config/raw";
import { failures, formatCheck, installHint, preflightSummary } from "../host/preflight";
import type { HostProbe } from "../host/probe";
import { runPreflight } from "../host/run-preflight";
import type { LabArgs } from "./args";
import { resolveBackend, type BackendSettings } from "./backend";
import { failureJunit, failureMarkdown, type CiFailure } from "./ci-report";
import { runBackstop, type CleanupResult } from "./cleanup";
import { errorLines, EXIT, LabError, passphraseHint } from "./exit-codes";
import { ciStackName, currentUser, namePrefixFor, resolveStackName, type ResolvedStack } from "./naming";
import { runOperation, type OperationIo } from "./operation";
import { formatElapsed } from "./progress";
import { applyStackPlan, planStack, type PlanDeps, type StackPlan } from "./stack-config";
import { DATA_VOLUME_TYPE, labResources } from "./state";
import { formatSummary, smokeTable } from "./summary";
import type { LabWorkspace, OutputMap } from "./workspace";

export type Signal = "SIGINT" | "SIGTERM";

/** Where interrupts come from: `process` in real runs, an emitter in tests. */
export interface SignalSource {
  on(signal: Signal, handler: () => void): unknown;
  off(signal: Signal, handler: () => void): unknown;
}

export interface LabDeps {
  projectDir: string;
  env: Record<string, string | undefined>;
  probe: HostProbe;
  /** Builds the workspace with the backend's environment variables. */
  workspace: (envVars: Record<string, string>) => LabWorkspace;
  /** Runs `npm run <script> -- <args>` with the terminal attached; resolves to its exit code. */
  runScript: (script: "smoke" | "render", args: string[], signal?: AbortSignal) => Promise<number>;
  scriptExists: (script: "smoke" | "render") => boolean;
  log: (line: string) => void;
  now: () => number;
  randomHex: () => string;
  osUser: () => string;
  signals: SignalSource;
  /** Running in a terminal, where Ctrl-C reaches the Pulumi CLI directly. Default false. */
  interactive?: boolean;
  stacksDir?: string;
  heartbeatMs?: number;
}

const SIGNAL_EXIT: Record<Signal, number> = { SIGINT: EXIT.sigint, SIGTERM: EXIT.sigterm };

function resolveStack(args: LabArgs, deps: LabDeps): ResolvedStack {
  const stack = resolveStackName(args.stack, currentUser(deps.env, deps.osUser));
  if (stack.renamedFrom)
    deps.log(
      `Stack "${stack.renamedFrom}" is used as "${stack.name}" (kind names allow a-z, 0-9, '.', '-').`,
    );
  return stack;
}

function planDeps(deps: LabDeps): PlanDeps {
  return { probe: deps.probe, stacksDir: deps.stacksDir, projectDir: deps.projectDir };
}

function io(deps: LabDeps, args: LabArgs): OperationIo {
  return { log: deps.log, now: deps.now, verbose: args.verbose, heartbeatMs: deps.heartbeatMs };
}

/** Fails with the install line when the Pulumi CLI is missing: one message, no stack trace. */
async function requirePulumi(deps: LabDeps): Promise<void> {
  const outcome = await deps.probe.run("pulumi", ["version"]);
  if (outcome === "not-found") {
    throw new LabError(
      `The Pulumi CLI is not installed, and this command needs it. Fix: ${installHint("pulumi", deps.probe.platform)}.`,
      EXIT.preflight,
    );
  }
}

function backendFor(deps: LabDeps): BackendSettings {
  const backend = resolveBackend(deps.projectDir, deps.env);
  deps.log(`State: ${backend.describe.backend}; passphrase: ${backend.describe.passphrase}.`);
  return backend;
}

/**
 * Catches SIGINT/SIGTERM while `body` runs. SIGTERM, or SIGINT without a terminal, aborts at
 * once (the Pulumi CLI then gets SIGINT and stops after the steps in flight). A Ctrl-C in a
 * terminal already reached the Pulumi CLI, which stops gracefully by itself: sending it another
 * would make it stop at once, so only a second Ctrl-C (a second apart at least) is passed on.
 */
async function withInterrupts<T>(
  deps: LabDeps,
  onSignal: (signal: Signal, count: number, forwarded: boolean) => void,
  body: (controller: AbortController, received: () => Signal | undefined) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let received: Signal | undefined;
  let count = 0;
  let lastSigint = -Infinity;
  const handlers = (["SIGINT", "SIGTERM"] as const).map((sig) => {
    const handler = () => {
      if (sig === "SIGINT" && deps.interactive) {
        // One Ctrl-C can arrive twice: from the terminal and forwarded by npm.
        if (deps.now() - lastSigint < 1000) return;
        lastSigint = deps.now();
      }
      count++;
      received ??= sig;
      const forward = sig === "SIGTERM" || !deps.interactive || count > 1;
      onSignal(sig, count, forward);
      if (forward && !controller.signal.aborted) controller.abort();
    };
    deps.signals.on(sig, handler);
    return [sig, handler] as const;
  });
  try {
    return await body(controller, () => received);
  } finally {
    for (const [sig, handler] of handlers) deps.signals.off(sig, handler);
  }
}

function printPreflight(deps: LabDeps, results: Awaited<ReturnType<typeof runPreflight>>): boolean {
  for (const r of results) deps.log(`  ${formatCheck(r)}`);
  deps.log(preflightSummary(results));
  return failures(results).length === 0;
}

// ---------------------------------------------------------------- preflight

export async function preflightCmd(args: LabArgs, deps: LabDeps): Promise<number> {
  const stack = resolveStack(args, deps);
  const derived = stack.kind !== "named";
  const plan = await planStack(stack, { noPlatform: args.noPlatform && derived }, planDeps(deps));
  let config = plan.config;
  if (args.noPlatform && !derived) config = { ...config, platform: { ...config.platform, enabled: false } };
  deps.log(`Preflight for stack "${stack.name}":`);
  return printPreflight(deps, await runPreflight(deps.probe, { config })) ? EXIT.ok : EXIT.preflight;
}

// ---------------------------------------------------------------- up

async function smokeAfterUp(
  stack: string,
  outputs: OutputMap,
  deps: LabDeps,
  signal: AbortSignal,
): Promise<{ passed: boolean | undefined; ran: string }> {
  const fromOutputs = smokeTable(outputs);
  if (fromOutputs) return { passed: fromOutputs.passed, ran: "read from the stack outputs" };
  if (!deps.scriptExists("smoke")) {
    return { passed: undefined, ran: "not run: scripts/smoke.ts is not in this checkout" };
  }
  deps.log(`Smoke: the stack outputs hold no results; running \`npm run smoke -- --stack ${stack}\`.`);
  const code = await deps.runScript("smoke", ["--stack", stack], signal);
  return { passed: code === 0, ran: `\`npm run smoke\`, exit ${code}` };
}

export async function upCmd(args: LabArgs, deps: LabDeps): Promise<number> {
  const started = deps.now();
  const stack = resolveStack(args, deps);
  const plan = await planStack(stack, { noPlatform: args.noPlatform }, planDeps(deps));
  for (const note of plan.notes) deps.log(`Stack: ${note}.`);

  deps.log(`Preflight for stack "${stack.name}":`);
  if (!printPreflight(deps, await runPreflight(deps.probe, { config: plan.config }))) {
    deps.log(
      `Nothing was created. Fix the lines marked FAIL, then run \`npm run lab -- up --stack ${stack.name}\` again.`,
    );
    return EXIT.preflight;
  }

  const workspace = deps.workspace(backendFor(deps).envVars);
  await applyStackPlan(plan, workspace);
  deps.log(`Up: stack "${stack.name}" (phases: clusters, platform, registration, access, smoke).`);
  return withInterrupts(
    deps,
    (sig, count, forwarded) =>
      deps.log(
        !forwarded
          ? `${sig}: Pulumi got it too and stops after the steps in flight; press Ctrl-C again to stop it at once.`
          : count === 1
            ? `${sig}: asking Pulumi to stop after the steps in flight...`
            : `${sig}: asking Pulumi to stop at once...`,
      ),
    async (controller, received) => {
      const up = await runOperation(
        "up",
        io(deps, args),
        (hooks) => workspace.up(stack.name, hooks),
        controller.signal,
      );
      const phases = up.tracker.summary();
      if (phases.length) deps.log("Phases:");
      phases.forEach((l) => deps.log(l));
      if (!up.ok) {
        const sig = received();
        if (sig) {
          deps.log(
            `Interrupted after ${formatElapsed(up.elapsedMs)}; the stack may be half built. ` +
              `Finish it with \`npm run lab -- up --stack ${stack.name}\` or remove it with \`npm run lab -- down --stack ${stack.name}\`.`,
          );
          return SIGNAL_EXIT[sig];
        }
        const where = up.tracker.failedPhase ? ` in phase ${up.tracker.failedPhase}` : "";
        deps.log(`pulumi up failed${where} after ${formatElapsed(up.elapsedMs)}:`);
        up.explanation.forEach((l) => deps.log(l));
        deps.log(
          `Run it again with --verbose for Pulumi's full output; \`npm run lab -- down --stack ${stack.name}\` removes what was made.`,
        );
        return EXIT.pulumi;
      }
      const outputs = up.value;
      let smoke: { passed: boolean | undefined; ran: string } = {
        passed: undefined,
        ran: "skipped (--no-smoke)",
      };
      if (!args.noSmoke) {
        smoke = await smokeAfterUp(stack.name, outputs, deps, controller.signal);
        if (received()) return SIGNAL_EXIT[received() as Signal];
      }
      deps.log("");
      deps.log(`Lab "${stack.name}" is up (${formatElapsed(deps.now() - started)}). Smoke: ${smoke.ran}.`);
      const note = smoke.ran.startsWith("`npm run smoke`")
        ? `Smoke suite: see its table above (${smoke.ran})`
        : undefined;
      formatSummary(stack.name, outputs, plan.config, note).forEach((l) => deps.log(l));
      return smoke.passed === false ? EXIT.smoke : EXIT.ok;
    },
  );
}

// ---------------------------------------------------------------- down

/** The config down and status work from; undefined (with a note) when it cannot be read. */
function configForTeardown(stack: ResolvedStack, deps: LabDeps): LabConfig | undefined {
  try {
    return loadLabConfig(readStackFile(stack.name, deps.stacksDir), {
      stack: stack.name,
      projectDir: deps.projectDir,
    });
  } catch (e) {
    deps.log(
      `Note: the config of stack "${stack.name}" cannot be read (${(e as Error).message.split("\n")[0]})`,
    );
    return undefined;
  }
}

async function backstop(
  stack: ResolvedStack,
  config: LabConfig | undefined,
  keepData: boolean,
  deps: LabDeps,
): Promise<CleanupResult> {
  deps.log(
    `Backstop: removing what of "${stack.name}" is still on this host${keepData ? " (keeping data volumes and the state directory)" : ""}.`,
  );
  const result = await runBackstop(
    {
      namePrefix: config?.namePrefix ?? namePrefixFor(stack) ?? "",
      kindNames: config?.clusters.map((c) => c.kindName) ?? [],
      stateDir: config?.stateDir,
    },
    { keepData, projectDir: deps.projectDir },
    deps.probe,
    deps.log,
  );
  if (!config)
    result.leftovers.push(
      `kind clusters of "${stack.name}" unknown (no config): check \`kind get clusters\``,
    );
  deps.log(
    result.removed.length ? `Backstop removed: ${result.removed.join(", ")}.` : "Backstop: nothing was left.",
  );
  return result;
}

export async function downCmd(args: LabArgs, deps: LabDeps): Promise<number> {
  const stack = resolveStack(args, deps);
  await requirePulumi(deps);
  const config = configForTeardown(stack, deps);
  const workspace = deps.workspace(backendFor(deps).envVars);
  const info = await workspace.stackInfo(stack.name);
  let destroyFailed = false;
  if (!info) {
    deps.log(`Stack "${stack.name}" does not exist in the state backend: nothing for Pulumi to destroy.`);
  } else {
    // --keep-data: the data volumes stay in the stack's state, so the next `up` mounts them again.
    const keep = args.keepData
      ? (await workspace.resources(stack.name)).filter((r) => r.type === DATA_VOLUME_TYPE).map((r) => r.urn)
      : [];
    const kept = keep.length ? `; keeping ${keep.length} data volume(s) for the next up` : "";
    deps.log(`Down: destroying stack "${stack.name}" (kind clusters included${kept}).`);
    const down = await runOperation("destroy", io(deps, args), (hooks) =>
      workspace.destroy(stack.name, hooks, { exclude: keep }),
    );
    if (!down.ok) {
      destroyFailed = true;
      deps.log(`pulumi destroy failed after ${formatElapsed(down.elapsedMs)}:`);
      down.explanation.forEach((l) => deps.log(l));
    } else {
      deps.log(`Destroyed in ${formatElapsed(down.elapsedMs)}.`);
    }
  }
  const cleanup = await backstop(stack, config, args.keepData, deps);
  if (args.rm && info) {
    if (destroyFailed) {
      deps.log(
        `Not removing stack "${stack.name}": its destroy failed, and its state is what lets a retry finish the job.`,
      );
    } else {
      await workspace.removeStack(stack.name, { force: false, preserveConfig: stack.kind !== "ci" });
      deps.log(
        `Removed stack "${stack.name}" from the state backend${stack.kind !== "ci" ? " (its stack file stays)" : ""}.`,
      );
    }
  }
  for (const l of cleanup.leftovers) deps.log(`  left behind: ${l}`);
  if (destroyFailed) return EXIT.pulumi;
  return cleanup.leftovers.length > 0 ? EXIT.teardown : EXIT.ok;
}

// ---------------------------------------------------------------- status

export async function statusCmd(args: LabArgs, deps: LabDeps): Promise<number> {
  const stack = resolveStack(args, deps);
  await requirePulumi(deps);
  const workspace = deps.workspace(backendFor(deps).envVars);
  const info = await workspace.stackInfo(stack.name);
  const resources = info && info.resourceCount !== 0 ? await workspace.resources(stack.name) : [];
  // After `down --keep-data` the state still holds the volumes, their provider, their parents and
  // the stack with its old outputs: that is not a lab that is up.
  const live = labResources(resources);
  if (live.length === 0) {
    const kept = resources.filter((r) => r.type === DATA_VOLUME_TYPE).length;
    const note = kept
      ? `; its ${kept} data volume(s), kept by \`down --keep-data\`, wait for the next up`
      : "";
    deps.log(
      `Stack "${stack.name}" is not up${note}. Bring it up with \`npm run lab -- up --stack ${stack.name}\`.`,
    );
    return EXIT.ok;
  }
  const outputs = await workspace.outputs(stack.name);
  const count = info?.resourceCount !== undefined ? ` (${info.resourceCount} resources)` : "";
  deps.log(`Stack "${stack.name}" is up${count}.`);
  let config: LabConfig | undefined;
  try {
    config = loadLabConfig(readStackFile(stack.name, deps.stacksDir), {
      stack: stack.name,
      projectDir: deps.projectDir,
    });
  } catch {
    config = undefined;
  }
  formatSummary(stack.name, outputs, config).forEach((l) => deps.log(l));
  return EXIT.ok;
}

// ---------------------------------------------------------------- smoke, render

export async function delegateCmd(script: "smoke" | "render", args: LabArgs, deps: LabDeps): Promise<number> {
  const stack = resolveStack(args, deps);
  if (!deps.scriptExists(script)) {
    throw new LabError(
      `scripts/${script}.ts is not in this checkout, so \`npm run ${script}\` cannot run.`,
      EXIT.unexpected,
    );
  }
  return deps.runScript(script, ["--stack", stack.name, ...args.passThrough]);
}

// ---------------------------------------------------------------- ci

export interface CiPaths {
  junit: string;
  markdown: string;
}

export function ciReportPaths(args: LabArgs, projectDir: string): CiPaths {
  const reports = path.join(projectDir, ".lab", "reports");
  return {
    junit: path.resolve(projectDir, args.junit ?? path.join(reports, "smoke-junit.xml")),
    markdown: path.resolve(projectDir, args.markdown ?? path.join(reports, "smoke-summary.md")),
  };
}

function writeFailureReports(paths: CiPaths, failure: CiFailure, deps: LabDeps): void {
  for (const [file, text] of [
    [paths.junit, failureJunit(failure)],
    [paths.markdown, failureMarkdown(failure)],
  ] as const) {
    if (fs.existsSync(file)) continue;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    deps.log(`Report: ${file}`);
  }
}

/**
 * A throwaway stack: plan, preflight, up, smoke with reports, then ALWAYS destroy, backstop and
 * remove, whether up or smoke failed or a signal came. Signals during teardown are noted, not obeyed.
 */
export async function ciCmd(args: LabArgs, deps: LabDeps): Promise<number> {
  const started = deps.now();
  const stack = ciStackName(deps.env, new Date(started), deps.randomHex());
  const paths = ciReportPaths(args, deps.projectDir);
  deps.log(`CI: stack "${stack.name}"${args.noPlatform ? ", clusters and smoke only (--no-platform)" : ""}.`);
  const plan: StackPlan = await planStack(stack, { noPlatform: args.noPlatform }, planDeps(deps));
  for (const note of plan.notes) deps.log(`Stack: ${note}.`);
  deps.log(`Preflight for stack "${stack.name}":`);
  if (!printPreflight(deps, await runPreflight(deps.probe, { config: plan.config }))) return EXIT.preflight;

  for (const file of [paths.junit, paths.markdown]) fs.rmSync(file, { force: true });
  const workspace = deps.workspace(backendFor(deps).envVars);
  let tearingDown = false;
  return withInterrupts(
    deps,
    (sig) =>
      deps.log(
        tearingDown
          ? `${sig}: teardown is running and will finish (it removes clusters and containers).`
          : `${sig}: stopping; the stack is torn down next.`,
      ),
    async (controller, received) => {
      let code: number = EXIT.ok;
      const failure = (step: string, message: string, details: string[]): void => {
        writeFailureReports(
          paths,
          { stack: stack.name, step, message, details, elapsedSeconds: (deps.now() - started) / 1000 },
          deps,
        );
      };
      try {
        await applyStackPlan(plan, workspace);
        const up = await runOperation(
          "up",
          io(deps, args),
          (hooks) => workspace.up(stack.name, hooks),
          controller.signal,
        );
        up.tracker.summary().forEach((l) => deps.log(l));
        if (!up.ok) {
          const sig = received();
          code = sig ? SIGNAL_EXIT[sig] : EXIT.pulumi;
          const message = sig
            ? `interrupted by ${sig}`
            : `pulumi up failed${up.tracker.failedPhase ? ` in phase ${up.tracker.failedPhase}` : ""}`;
          deps.log(`${message} after ${formatElapsed(up.elapsedMs)}:`);
          up.explanation.forEach((l) => deps.log(l));
          failure("up", message, up.explanation);
        } else if (!deps.scriptExists("smoke")) {
          code = EXIT.unexpected;
          deps.log("scripts/smoke.ts is not in this checkout: no smoke reports.");
          failure("smoke", "scripts/smoke.ts is not in this checkout", []);
        } else {
          const smokeArgs = ["--stack", stack.name, "--junit", paths.junit, "--markdown", paths.markdown];
          const smoke = await deps.runScript("smoke", smokeArgs, controller.signal);
          const sig = received();
          if (sig) code = SIGNAL_EXIT[sig];
          else if (smoke !== 0) code = EXIT.smoke;
          if (smoke !== 0)
            failure("smoke", sig ? `interrupted by ${sig}` : `npm run smoke exited ${smoke}`, []);
        }
      } catch (e) {
        const sig = received();
        code = sig ? SIGNAL_EXIT[sig] : e instanceof LabError ? e.exitCode : EXIT.unexpected;
        const lines = errorLines(e);
        deps.log(`CI step failed: ${lines[0] ?? "unknown error"}`);
        passphraseHint(lines).forEach((l) => deps.log(l));
        failure("setup", lines[0] ?? "unknown error", lines.slice(1, 12));
      } finally {
        tearingDown = true;
        const left = await ciTeardown(stack, plan, args, deps, workspace);
        if (left > 0 && code === EXIT.ok) code = EXIT.teardown;
      }
      deps.log(
        `CI: done in ${formatElapsed(deps.now() - started)}, exit ${code}. Reports: ${paths.junit}, ${paths.markdown}.`,
      );
      return code;
    },
  );
}

/** Destroy, backstop, remove: each step runs even when the one before failed. Returns how many things were left. */
async function ciTeardown(
  stack: ResolvedStack,
  plan: StackPlan,
  args: LabArgs,
  deps: LabDeps,
  workspace: LabWorkspace,
): Promise<number> {
  deps.log(`Teardown of "${stack.name}" (always).`);
  let left = 0;
  let info: Awaited<ReturnType<LabWorkspace["stackInfo"]>>;
  try {
    info = await workspace.stackInfo(stack.name);
  } catch (e) {
    deps.log(`  could not list stacks: ${errorLines(e)[0]}`);
    info = { resourceCount: undefined };
  }
  if (info) {
    const down = await runOperation("destroy", io(deps, args), (hooks) =>
      workspace.destroy(stack.name, hooks),
    );
    if (!down.ok) {
      deps.log("  pulumi destroy failed (the backstop below removes what it can):");
      down.explanation.forEach((l) => deps.log(l));
    }
  }
  const cleanup = await backstop(stack, plan.config, false, deps);
  left += cleanup.leftovers.length;
  for (const l of cleanup.leftovers) deps.log(`  left behind: ${l}`);
  if (info) {
    try {
      await workspace.removeStack(stack.name, { force: true, preserveConfig: false });
      deps.log(`  removed stack "${stack.name}"`);
    } catch (e) {
      left++;
      deps.log(`  left behind: stack "${stack.name}" in the backend (${errorLines(e)[0]})`);
    }
  }
  fs.rmSync(plan.stackFile, { force: true });
  return left;
}
