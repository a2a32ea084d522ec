/**
 * The runner reads every line a step writes to stdout for workflow commands
 * (actions/runner src/Runner.Worker/ActionCommandManager.cs, TryProcessCommand):
 * - `::name …::data` when the line starts with `::` after leading whitespace
 *   (ActionCommand.TryParseV2 trims the line first), and
 * - the older `##[name …]data` anywhere in the line (ActionCommand.TryParse, IndexOf).
 * Lines end at LF, CR or CRLF. @actions/core escapes the data of the commands it writes,
 * but `core.info` writes its text as it is: an item id or error message holding a newline
 * and `::add-mask::…` or `::error::…` would become a command of its own.
 */
const LINE_BREAK = /(\r\n|\r|\n)/;

/**
 * Text that writes no workflow command whatever it holds: a line that would start one gets
 * a leading `\`, and `##[` becomes `##\[`. Everything else, line breaks included, is kept.
 */
export function neutraliseWorkflowCommands(text: string): string {
  if (!text.includes("::") && !text.includes("##[")) return text;
  return text
    .split(LINE_BREAK)
    .map((part) => (/^[\s\u0085\u180e\u200b-\u200d\u2060]*::/.test(part) ? `\\${part}` : part).replaceAll("##[", "##\\["))
    .join("");
}
