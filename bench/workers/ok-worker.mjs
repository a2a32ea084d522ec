// The smallest worker for `--worker`: answers {"id":…,"ok":true} to every request line, in
// order. Answers name the request: its id is copied as the JSON text it arrived as (a
// request starts {"id":<id>,"attempt":…, and a JSON string cannot contain ,"attempt":
// unescaped). Answers to the requests that arrived in one read go out in one write.
let carry = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (text) => {
  carry += text;
  let out = "";
  let nl;
  while ((nl = carry.indexOf("\n")) !== -1) {
    const line = carry.slice(0, nl);
    carry = carry.slice(nl + 1);
    out += '{"id":' + line.slice(6, line.indexOf(',"attempt":')) + ',"ok":true}\n';
  }
  if (out !== "") process.stdout.write(out);
});
