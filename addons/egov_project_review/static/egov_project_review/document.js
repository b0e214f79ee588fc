/* Word online: docx-preview rendering, paragraph editor (contenteditable blocks mapped to paragraph indices) and
   comments. Saves through JSON POSTs; the server edits the .docx with python-docx and stores a new version. */
(function () {
  var root = document.getElementById("pr-doc");
  if (!root) return;
  var csrf = root.querySelector("input[name=csrfmiddlewaretoken]").value;
  var version = parseInt(root.dataset.version, 10);
  var picked = null;

  function show(tab) {
    root.querySelectorAll("[data-pr-tab]").forEach(function (a) { a.classList.toggle("active", a.dataset.prTab === tab); });
    root.querySelectorAll("[data-pr-pane]").forEach(function (p) { p.classList.toggle("d-none", p.dataset.prPane !== tab); });
  }
  root.querySelectorAll("[data-pr-tab]").forEach(function (a) {
    a.addEventListener("click", function (e) { e.preventDefault(); show(a.dataset.prTab); });
  });

  var target = document.getElementById("pr-docx");
  fetch(root.dataset.fileUrl, { credentials: "same-origin" })
    .then(function (r) { if (!r.ok) throw new Error(r.status); return r.blob(); })
    .then(function (blob) {
      target.innerHTML = "";
      return window.docx.renderAsync(blob, target, null, { inWrapper: true, ignoreLastRenderedPageBreak: true,
        renderComments: false, experimental: true });
    })
    .then(function () { target.dataset.rendered = "1"; })
    .catch(function (err) { target.innerHTML = '<div class="p-4 text-danger">' + root.dataset.msgError + " (" + err + ")</div>"; });

  var blocks = root.querySelectorAll(".pr-block");
  blocks.forEach(function (b) {
    b.dataset.orig = b.textContent;
    b.addEventListener("input", function () { b.classList.toggle("pr-changed", b.textContent !== b.dataset.orig); });
    b.addEventListener("click", function () {
      blocks.forEach(function (x) { x.classList.remove("pr-picked"); });
      b.classList.add("pr-picked");
      picked = parseInt(b.dataset.index, 10);
      var label = root.querySelector("[data-pr-picked]");
      if (label) label.textContent = "#" + (picked + 1) + " " + b.textContent.slice(0, 24);
    });
  });

  function post(payload) {
    payload.version = version;
    return fetch(root.dataset.saveUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(payload)
    }).then(function (r) { return r.json().then(function (d) { d.status = r.status; return d; }); });
  }
  function done(d) {
    if (d.ok) { window.location.href = window.location.pathname + "?saved=" + d.version; }
    else { alert(d.message || root.dataset.msgError); }
  }

  var save = root.querySelector("[data-pr-save]");
  if (save) save.addEventListener("click", function () {
    var changes = {};
    blocks.forEach(function (b) { if (b.textContent !== b.dataset.orig) changes[b.dataset.index] = b.textContent; });
    if (!Object.keys(changes).length) { alert(root.dataset.msgNochange); return; }
    save.disabled = true;
    root.querySelector("[data-pr-status]").textContent = root.dataset.msgSaving;
    post({ changes: changes }).then(done).finally(function () { save.disabled = false; });
  });

  var add = root.querySelector("[data-pr-add-comment]");
  if (add) add.addEventListener("click", function () {
    var text = root.querySelector("[data-pr-comment]").value.trim();
    if (picked === null) { alert(root.dataset.msgPick); show("edit"); return; }
    if (!text) return;
    add.disabled = true;
    post({ comment: text, index: picked }).then(done).finally(function () { add.disabled = false; });
  });

  var sel = root.querySelector("[data-pr-version]");
  if (sel) sel.addEventListener("change", function () { window.location.href = "?v=" + sel.value; });
})();
