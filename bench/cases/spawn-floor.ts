// What any Node.js tool pays to run a command per item: child_process.spawn of
// `/bin/sh -c true` with piped stdio, a lane per concurrency slot, nothing else.
//
//   node bench/cases/spawn-floor.js <items file> <concurrency>
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";

const [file, concurrencyText = "2"] = process.argv.slice(2);
const ids = readFileSync(file!, "utf8").split("\n").filter(Boolean);
let next = 0;
const lane = async (): Promise<void> => {
  while (next < ids.length) {
    const id = ids[next++]!;
    await new Promise<void>((resolve, reject) => {
      const child = spawn("/bin/sh", ["-c", "true"], { stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, ITEM_ID: id } });
      child.stdin.on("error", () => {});
      child.stdin.end(JSON.stringify(id) + "\n");
      child.on("error", reject);
      child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`exit ${code}`))));
    });
  }
};
await Promise.all(Array.from({ length: Number(concurrencyText) }, lane));
