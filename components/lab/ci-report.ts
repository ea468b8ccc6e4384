/**
 * Reports a CI run writes when the smoke suite never produced its own (the stack failed to
 * come up, or the smoke script died): a one-case JUnit file and a Markdown note that say what
 * happened, so the pipeline's test view and step summary are never silently empty. Pure.
 */

/** Drops ANSI colours and control characters (XML 1.0 cannot hold them); keeps tab and newline. */
function clean(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "").replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g, "");
}

function xmlEscape(text: string): string {
  return clean(text)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

export interface CiFailure {
  stack: string;
  /** `up`, `smoke`. */
  step: string;
  /** One line. */
  message: string;
  /** Lines of detail (engine errors, ...). */
  details: string[];
  elapsedSeconds: number;
}

export function failureJunit(f: CiFailure): string {
  const body = xmlEscape([f.message, ...f.details].join("\n"));
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<testsuites name="kind-access-lab ci" tests="1" failures="1" errors="0" time="${f.elapsedSeconds.toFixed(3)}">\n` +
    `  <testsuite name="${xmlEscape(f.stack)}" tests="1" failures="1" errors="0" skipped="0" time="${f.elapsedSeconds.toFixed(3)}">\n` +
    `    <testcase classname="lab" name="${xmlEscape(f.step)}" time="${f.elapsedSeconds.toFixed(3)}">\n` +
    `      <failure message="${xmlEscape(f.message)}">${body}</failure>\n` +
    "    </testcase>\n" +
    "  </testsuite>\n" +
    "</testsuites>\n"
  );
}

export function failureMarkdown(f: CiFailure): string {
  const fence = "```";
  return [
    "## kind-access-lab: FAILED",
    "",
    `Stack \`${f.stack}\` failed at **${f.step}**: ${f.message}`,
    "",
    ...(f.details.length ? [fence, ...f.details.map((d) => clean(d).trimStart()), fence, ""] : []),
    "The stack was destroyed and removed afterwards (see the job log for the teardown).",
    "",
  ].join("\n");
}
