// Prints the notes of one version from CHANGELOG.md, for the release workflow:
//   node scripts/changelog-notes.mjs 1.2.0 > notes.md
// Exits 1 with a message naming the file when the version has no section or an empty one,
// so a release is never published without notes.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

/**
 * The body of the `## [version]` section (up to the next `## ` heading), trimmed; undefined
 * when there is no such section or it is empty.
 * @param {string} changelog
 * @param {string} version like 1.2.0 (a leading v is ignored)
 */
export function releaseNotes(changelog, version) {
  const wanted = version.replace(/^v/, "");
  const lines = changelog.split(/\r?\n/);
  const start = lines.findIndex((line) => {
    const m = /^## \[([^\]]+)\]/.exec(line);
    return m !== null && m[1] === wanted;
  });
  if (start < 0) return undefined;
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((line) => line.startsWith("## "));
  const body = (end < 0 ? rest : rest.slice(0, end)).join("\n").trim();
  return body === "" ? undefined : body;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const version = process.argv[2] ?? "";
  const notes = releaseNotes(readFileSync("CHANGELOG.md", "utf8"), version);
  if (notes === undefined) {
    console.error(
      `CHANGELOG.md: no notes for version '${version}': add a '## [${version.replace(/^v/, "")}] - YYYY-MM-DD' section with what changed`,
    );
    process.exit(1);
  }
  console.log(notes);
}
