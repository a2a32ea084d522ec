// The package's own version, bundled into dist/cli at build time (ncc inlines the JSON), so
// `resumable-batch --version` is right wherever the bundle is run from: an npm install, npx,
// or a checkout.
import packageJson from "../../package.json" with { type: "json" };

export const VERSION: string = packageJson.version;
