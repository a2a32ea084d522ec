// The smallest worker for `--worker`: answers {"ok":true} to every request line, in order.
// Answers to the requests that arrived in one read go out in one write.
let carry = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (text) => {
  carry += text;
  let out = "";
  let nl;
  while ((nl = carry.indexOf("\n")) !== -1) {
    carry = carry.slice(nl + 1);
    out += '{"ok":true}\n';
  }
  if (out !== "") process.stdout.write(out);
});
