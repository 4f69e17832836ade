// Live updates for the dashboard and the monitor page: the server sends a
// diff of the monitors it sees changed (server-sent events), this script
// patches the page. Without JS the pages still work, just not live.
(function () {
  "use strict";
  var csrf = document.querySelector('meta[name="csrf"]');
  // Forms already carry _csrf; fetches made by scripts send the header.
  window.runbookFetch = function (url, opts) {
    opts = opts || {};
    opts.headers = Object.assign({"X-CSRF-Token": csrf ? csrf.content : ""}, opts.headers || {});
    opts.credentials = "same-origin";
    return fetch(url, opts);
  };
  var live = document.querySelector("[data-live]");
  if (!live || !window.EventSource) return;
  var url = "/api/v1/stream" + (live.dataset.monitor ? "?monitor=" + encodeURIComponent(live.dataset.monitor) : "");
  var es = new EventSource(url);
  function text(sel, v) { var el = document.querySelector(sel); if (el) el.textContent = v; }
  es.addEventListener("monitors", function (e) {
    var d = JSON.parse(e.data);
    d.changed.forEach(function (m) {
      document.querySelectorAll('[data-status-of="' + CSS.escape(m.id) + '"]').forEach(function (el) {
        var st = m.paused ? "paused" : m.status;
        el.textContent = st;
        el.className = "status " + st;
        el.dataset.status = st;
      });
    });
    d.removed.forEach(function (id) {
      var row = document.querySelector('tr[data-monitor="' + CSS.escape(id) + '"]');
      if (row) row.remove();
    });
    live.dataset.updated = String(Date.now());
  });
  es.addEventListener("summary", function (e) {
    var s = JSON.parse(e.data);
    text("#count-total", s.total);
    ["healthy", "failed", "unknown", "pending"].forEach(function (k) { text("#count-" + k, s.counts[k] || 0); });
    text("#count-paused", s.paused);
  });
  es.addEventListener("events", function (e) {
    var list = document.getElementById("events");
    if (!list) return;
    var evs = JSON.parse(e.data);
    list.textContent = "";
    if (!evs.length) { var li = document.createElement("li"); li.textContent = "No events yet."; list.appendChild(li); return; }
    evs.forEach(function (ev) {
      var li = document.createElement("li");
      li.dataset.event = ev.id;
      li.textContent = new Date(ev.at).toISOString().replace("T", " ").slice(0, 19) + " " + ev.monitor_id + " [" + ev.zone + "]: " + ev.from + " → " + ev.to + (ev.message ? " — " + ev.message : "");
      list.appendChild(li);
    });
  });
  // Reaction logs (monitor page): the newest logs, replacing the table.
  es.addEventListener("logs", function (e) {
    var body = document.querySelector("#reaction-logs tbody");
    if (!body) return;
    var logs = JSON.parse(e.data);
    body.textContent = "";
    if (!logs.length) {
      var tr = document.createElement("tr"), td = document.createElement("td");
      td.colSpan = 5; td.className = "muted"; td.textContent = "No reaction has run yet.";
      tr.appendChild(td); body.appendChild(tr); return;
    }
    logs.forEach(function (l) {
      var tr = document.createElement("tr");
      tr.dataset.log = l.id;
      [new Date(l.at).toISOString().replace("T", " ").slice(0, 19), l.reaction_name || l.reaction_id, l.zone, l.outcome, l.message || ""].forEach(function (v) {
        var td = document.createElement("td"); td.textContent = v; tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    live.dataset.logsUpdated = String(Date.now());
  });
})();
