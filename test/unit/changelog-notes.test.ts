import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script, untyped
import { releaseNotes } from "../../scripts/changelog-notes.mjs";

const changelog = `# Changelog

## [Unreleased]

### Added
- next

## [1.2.0] - 2026-12-01

### Fixed
- a fix

## [1.1.0] - 2026-11-30

## [1.0.0] - 2026-11-01
- first
`;

describe("release notes from CHANGELOG.md (scripts/changelog-notes.mjs)", () => {
  it("takes the section of the version, up to the next one", () => {
    expect(releaseNotes(changelog, "1.2.0")).toBe("### Fixed\n- a fix");
    expect(releaseNotes(changelog, "v1.0.0")).toBe("- first");
  });

  it("has none for a missing or empty section, so the release stops", () => {
    expect(releaseNotes(changelog, "1.3.0")).toBeUndefined();
    expect(releaseNotes(changelog, "1.1.0")).toBeUndefined();
    expect(releaseNotes(changelog, "1.2")).toBeUndefined();
  });

  it("finds the notes of the version in package.json", () => {
    const { version } = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };
    expect(releaseNotes(readFileSync("CHANGELOG.md", "utf8"), version)).toMatch(/\S/);
  });
});
