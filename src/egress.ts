/**
 * Every way text leaves the action, one function each: log lines and annotations,
 * the job summary, the pull-request comment, step outputs, artifact names, and the
 * message of a failure. Each takes the text as it is about to leave (escaped,
 * rendered, truncated) and applies `redact` last, so no later step can turn a secret
 * back into a form redaction did not see. Control characters from outside text
 * (an ESC in an input, a CR in an AWS message) are shown escaped, never acted on.
 */
import { redact } from "./redact.ts";

/**
 * C0 and C1 controls (but tab and line feed), DEL, and the invisible characters that
 * reorder or hide text (bidirectional overrides and isolates, zero-width marks) as
 * `\xHH` / `\u{HHHH}`. CRLF counts as a line feed; a lone CR does not (the runner would
 * start a new line there).
 */
export function escapeControls(text: string): string {
  return (
    text
      .replace(/\r\n/g, "\n")
      // biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
      .replace(/[\0-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g, (c) => {
        const code = c.charCodeAt(0);
        return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u{${code.toString(16)}}`;
      })
  );
}

/** A log line, an annotation, a group title: shown as written, controls escaped, credentials masked. */
export function logText(text: string): string {
  return redact(escapeControls(text));
}

/** Markdown already rendered and escaped, as the reader's browser will decode it. */
function markdownText(markdown: string): string {
  return redact(escapeControls(markdown));
}

/** The job summary as written to $GITHUB_STEP_SUMMARY. */
export const summaryText = markdownText;

/** The pull-request comment's body, as the GitHub API will store and render it. */
export const commentBody = markdownText;

/** A step output's value (written to $GITHUB_OUTPUT, read by later steps and shown in their logs). */
export function outputValue(value: string): string {
  return redact(value);
}

/**
 * An artifact's name: shown in the run's page and the API. `*` is one of the characters
 * GitHub refuses in a name, so a credential is replaced by a word.
 */
export function artifactName(name: string): string {
  return redact(name, "redacted");
}
