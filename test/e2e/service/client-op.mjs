// Runs ONE operation of the real @actions/cache or @actions/artifact client, in its own
// process, so the client sees the environment exactly as a step would (both clients read
// their configuration from process.env, some of it at import time).
//
//   node client-op.mjs <op> '<json args>'
//
// ops and args:
//   cache.save        {paths, key}                                  -> {cacheId}
//   cache.restore     {paths, key, restoreKeys?, lookupOnly?}       -> {matchedKey|null}
//   artifact.upload   {name, files, rootDirectory, retentionDays?, skipArchive?} -> {id, size, digest}
//   artifact.list     {findBy?, latest?}                            -> {artifacts}
//   artifact.get      {name, findBy?}                               -> {artifact}
//   artifact.download {id, path?, findBy?, expectedHash?}          -> {downloadPath, digestMismatch}
//   artifact.delete   {name, findBy?}                               -> {id}
//
// The clients log to stdout too (@actions/core), so the outcome is the one line that starts
// with RESULT_MARKER: {"ok":true,"value":…} or {"ok":false,"error":{name,message}}.
// Exit code 0 on success, 1 when the operation threw.

const RESULT_MARKER = "@@client-op-result@@ ";

async function run(op, args) {
  switch (op) {
    case "cache.save": {
      const cache = await import("@actions/cache");
      return { cacheId: await cache.saveCache(args.paths, args.key) };
    }
    case "cache.restore": {
      const cache = await import("@actions/cache");
      const matchedKey = await cache.restoreCache(args.paths, args.key, args.restoreKeys, {
        lookupOnly: args.lookupOnly ?? false,
      });
      return { matchedKey: matchedKey ?? null };
    }
    case "artifact.upload": {
      const { DefaultArtifactClient } = await import("@actions/artifact");
      const options = {};
      if (args.retentionDays !== undefined) options.retentionDays = args.retentionDays;
      if (args.skipArchive !== undefined) options.skipArchive = args.skipArchive;
      return new DefaultArtifactClient().uploadArtifact(args.name, args.files, args.rootDirectory, options);
    }
    case "artifact.list": {
      const { DefaultArtifactClient } = await import("@actions/artifact");
      return new DefaultArtifactClient().listArtifacts({ findBy: args.findBy, latest: args.latest });
    }
    case "artifact.get": {
      const { DefaultArtifactClient } = await import("@actions/artifact");
      return new DefaultArtifactClient().getArtifact(args.name, { findBy: args.findBy });
    }
    case "artifact.download": {
      const { DefaultArtifactClient } = await import("@actions/artifact");
      const options = {};
      if (args.path !== undefined) options.path = args.path;
      if (args.findBy !== undefined) options.findBy = args.findBy;
      if (args.expectedHash !== undefined) options.expectedHash = args.expectedHash;
      return new DefaultArtifactClient().downloadArtifact(args.id, options);
    }
    case "artifact.delete": {
      const { DefaultArtifactClient } = await import("@actions/artifact");
      return new DefaultArtifactClient().deleteArtifact(args.name, { findBy: args.findBy });
    }
    default:
      throw new Error(`unknown op: ${op}`);
  }
}

function finish(outcome, exitCode) {
  // Exit explicitly: the clients' keep-alive agents can hold the event loop open.
  process.stdout.write(`\n${RESULT_MARKER}${JSON.stringify(outcome)}\n`, () => process.exit(exitCode));
}

const [op, rawArgs = "{}"] = process.argv.slice(2);
try {
  const value = await run(op, JSON.parse(rawArgs));
  finish({ ok: true, value: value ?? null }, 0);
} catch (error) {
  finish({ ok: false, error: { name: error?.name ?? "Error", message: String(error?.message ?? error) } }, 1);
}
