(function () {
  "use strict";
  var t0 = performance.now();
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var rows = data.rows,
    kinds = data.kinds,
    errors = data.errors,
    causes = data.causes;
  var PAGE = data.pageSize || 500;
  var N = rows.length;
  var tbody = document.querySelector("#failures tbody");
  var search = document.getElementById("search");
  var groupSel = document.getElementById("group-filter");
  var shown = document.getElementById("shown-count");
  var moreBtn = document.getElementById("show-more");
  var heads = document.querySelectorAll("#failures th[data-sort]");
  var state = { q: "", group: -1, key: "", dir: 1, limit: PAGE };
  var hay = null,
    sorted = {},
    matching = null;
  var COL = { id: 0, kind: 1, attempts: 2, lastFailedAt: 6 };
  var collator = typeof Intl !== "undefined" ? new Intl.Collator(undefined, { numeric: true, sensitivity: "base" }) : null;

  function fmt(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }
  function when(iso) {
    var m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(iso || "");
    return m ? m[1] + " " + m[2] + (m[3] === "Z" ? " UTC" : m[3] || "") : iso || "\u2013";
  }
  function baseOrder() {
    var a = new Array(N);
    for (var i = 0; i < N; i++) a[i] = i;
    return a;
  }
  function orderFor(key) {
    if (!key) return sorted[""] || (sorted[""] = baseOrder());
    if (sorted[key]) return sorted[key];
    var c = COL[key],
      a = baseOrder(),
      cmp;
    if (key === "attempts")
      cmp = function (x, y) {
        return rows[x][c] - rows[y][c] || x - y;
      };
    else if (key === "kind")
      cmp = function (x, y) {
        var p = kinds[rows[x][c]],
          q = kinds[rows[y][c]];
        return p < q ? -1 : p > q ? 1 : x - y;
      };
    else if (key === "id" && collator)
      cmp = function (x, y) {
        return collator.compare(rows[x][c], rows[y][c]) || x - y;
      };
    else
      cmp = function (x, y) {
        var p = rows[x][c],
          q = rows[y][c];
        return p < q ? -1 : p > q ? 1 : x - y;
      };
    a.sort(cmp);
    return (sorted[key] = a);
  }
  function haystack() {
    if (hay) return hay;
    hay = new Array(N);
    for (var i = 0; i < N; i++) {
      var r = rows[i];
      hay[i] = (r[0] + "\n" + errors[r[4]] + "\n" + kinds[r[1]]).toLowerCase();
    }
    return hay;
  }
  function compute() {
    var order = orderFor(state.key);
    if (state.dir < 0) order = order.slice().reverse();
    var q = state.q,
      g = state.group;
    if (!q && g < 0) {
      matching = order;
      return;
    }
    var h = q ? haystack() : null,
      out = [];
    var terms = q ? q.split(/\s+/).filter(Boolean) : [];
    for (var k = 0; k < order.length; k++) {
      var i = order[k];
      if (g >= 0 && rows[i][7] !== g) continue;
      var ok = true;
      for (var t = 0; t < terms.length; t++) {
        if (h[i].indexOf(terms[t]) < 0) {
          ok = false;
          break;
        }
      }
      if (ok) out.push(i);
    }
    matching = out;
  }
  function cell(tr, cls, text) {
    var td = document.createElement("td");
    if (cls) td.className = cls;
    if (text !== undefined) td.textContent = text;
    tr.appendChild(td);
    return td;
  }
  function render() {
    var frag = document.createDocumentFragment();
    var n = Math.min(state.limit, matching.length);
    for (var k = 0; k < n; k++) {
      var r = rows[matching[k]];
      var tr = document.createElement("tr");
      var idTd = cell(tr, "id");
      var code = document.createElement("code");
      code.textContent = r[0];
      idTd.appendChild(code);
      var kindTd = cell(tr, "");
      var span = document.createElement("span");
      var kind = kinds[r[1]];
      span.className = "kind kind-" + (/^[a-z-]+$/.test(kind) ? kind : "other");
      span.textContent = kind;
      kindTd.appendChild(span);
      var att = cell(tr, "num", fmt(r[2]));
      att.title = r[3] ? r[2] + " attempts in " + r[3] + (r[3] === 1 ? " run" : " runs") : r[2] + " attempts";
      var errTd = cell(tr, "err");
      var div = document.createElement("div");
      div.textContent = errors[r[4]];
      errTd.appendChild(div);
      errTd.title = "Click to expand";
      var last = cell(tr, "when", when(r[6]));
      last.title = "first failed " + when(r[5]);
      frag.appendChild(tr);
    }
    tbody.textContent = "";
    tbody.appendChild(frag);
    shown.textContent =
      matching.length === N
        ? "Showing " + fmt(n) + " of " + fmt(N)
        : "Showing " + fmt(n) + " of " + fmt(matching.length) + " matching (" + fmt(N) + " in all)";
    shown.setAttribute("data-shown", String(n));
    shown.setAttribute("data-matching", String(matching.length));
    var rest = matching.length - n;
    moreBtn.hidden = rest <= 0;
    moreBtn.textContent = "Show " + fmt(Math.min(PAGE, rest)) + " more (" + fmt(rest) + " left)";
  }
  function update() {
    state.limit = PAGE;
    compute();
    render();
  }
  var timer = 0;
  search.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = search.value.trim().toLowerCase();
      if (q !== state.q) {
        state.q = q;
        update();
      }
    }, 150);
  });
  search.addEventListener("keydown", function (e) {
    if (e.key === "Enter") {
      clearTimeout(timer);
      state.q = search.value.trim().toLowerCase();
      update();
    }
    if (e.key === "Escape") {
      search.value = "";
      clearTimeout(timer);
      state.q = "";
      update();
    }
  });
  groupSel.addEventListener("change", function () {
    state.group = groupSel.value === "" ? -1 : Number(groupSel.value);
    update();
  });
  document.addEventListener("click", function (e) {
    var t = e.target;
    var btn = t.closest ? t.closest("[data-group-filter]") : null;
    if (btn) {
      var g = btn.getAttribute("data-group-filter");
      if (!groupSel.querySelector('option[value="' + g + '"]')) {
        var o = document.createElement("option");
        o.value = g;
        o.textContent = causes[Number(g)];
        groupSel.appendChild(o);
      }
      groupSel.value = g;
      state.group = Number(g);
      update();
      document.getElementById("failed-items").scrollIntoView({ behavior: "smooth", block: "start" });
      return;
    }
    var err = t.closest ? t.closest("#failures td.err") : null;
    if (err && !(window.getSelection && String(window.getSelection()).length)) err.classList.toggle("open");
  });
  for (var i = 0; i < heads.length; i++) {
    heads[i].querySelector("button").addEventListener(
      "click",
      (function (th) {
        return function () {
          var key = th.getAttribute("data-sort");
          if (state.key === key) state.dir = -state.dir;
          else {
            state.key = key;
            state.dir = th.getAttribute("data-first") === "desc" ? -1 : 1;
          }
          for (var j = 0; j < heads.length; j++) heads[j].setAttribute("aria-sort", "none");
          th.setAttribute("aria-sort", state.dir > 0 ? "ascending" : "descending");
          update();
        };
      })(heads[i]),
    );
  }
  moreBtn.addEventListener("click", function () {
    state.limit += PAGE;
    render();
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "/" && document.activeElement !== search && !(e.target && /^(INPUT|SELECT|TEXTAREA)$/.test(e.target.tagName))) {
      e.preventDefault();
      search.focus();
    }
  });
  compute();
  render();
  var root = document.documentElement;
  root.setAttribute("data-render-ms", String(Math.round(performance.now() - t0)));
  root.setAttribute("data-ready-ms", String(Math.round(performance.now())));
  root.setAttribute("data-ready", "true");
})();
