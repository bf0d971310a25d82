// Polls an ingest job and shows its progress (a static file: the CSP allows no inline script).
(function () {
  var id = document.getElementById("job").dataset.job;
  function text(tag, value) { var e = document.createElement(tag); e.textContent = value; return e; }
  function poll() {
    fetch("/api/jobs/" + encodeURIComponent(id)).then(function (r) { return r.json(); }).then(function (job) {
      document.getElementById("state").textContent = job.state;
      document.getElementById("step").textContent = job.step;
      var share = job.state === "done" ? 1 : (job.total ? job.done / job.total : 0);
      var match = /step (\d+)\/(\d+)/.exec(job.step || "");
      if (match && job.state !== "done") share = (Number(match[1]) - 1 + share) / Number(match[2]);
      document.getElementById("bar").style.width = Math.round(share * 100) + "%";
      if (job.state === "done" || job.state === "failed") {
        var out = document.getElementById("result");
        out.appendChild(text("p", job.added.length + " added, " + job.unchanged.length + " already stored, " + job.skipped.length + " skipped"));
        job.skipped.forEach(function (s) { out.appendChild(text("p", "skipped " + s.path + ": " + s.reason)); });
        if (job.error) out.appendChild(text("p", "failed: " + job.error));
        var list = document.createElement("ul");
        job.stories.forEach(function (sid) { var li = document.createElement("li"); var a = text("a", "story " + sid); a.href = "/stories/" + encodeURIComponent(sid); li.appendChild(a); list.appendChild(li); });
        out.appendChild(list);
      } else { setTimeout(poll, 400); }
    });
  }
  poll();
})();
