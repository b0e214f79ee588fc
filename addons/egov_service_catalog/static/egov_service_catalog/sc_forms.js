/* Service catalog electronic forms: form-js editor (designer) and viewer (fill / read-only).
 * No inline scripts (CSP): pages include this file plus vendor/form-js UMD bundles and pass data with json_script.
 *   <div data-sc-designer data-schema="<json_script id>" data-input="<hidden input id>"></div>
 *   <div data-sc-viewer data-schema="<id>" data-data="<id>" data-input="<hidden input id>" data-readonly="1"></div>
 */
(function () {
  "use strict";

  function readJson(id, fallback) {
    var el = id && document.getElementById(id);
    if (!el) return fallback;
    try { return JSON.parse(el.textContent); } catch (e) { return fallback; }
  }

  function initDesigner(el) {
    if (!window.FormEditor) { el.textContent = el.getAttribute("data-missing") || "表单设计器未加载"; return; }
    var schema = readJson(el.getAttribute("data-schema"), { type: "default", components: [] });
    var input = document.getElementById(el.getAttribute("data-input"));
    var propsEl = document.getElementById(el.getAttribute("data-props") || "");
    var opts = { container: el };
    if (propsEl) opts.propertiesPanel = { parent: propsEl };
    var editor = new window.FormEditor.FormEditor(opts);
    editor.importSchema(schema).catch(function (err) {
      el.insertAdjacentHTML("beforebegin", '<div class="alert alert-danger">' + (el.getAttribute("data-error") || "表单定义导入失败") + "</div>");
      console.error(err);
    });
    function sync() { if (input) input.value = JSON.stringify(editor.saveSchema()); }
    editor.on("changed", sync);
    var form = input && input.form;
    if (form) form.addEventListener("submit", sync);
    window.scDesigner = editor;
  }

  /* form-js shows its own client-side validation messages in English; the server validates every submission
   * again and reports Chinese field errors, so the viewer gets the schema without client rules (a required field
   * keeps its asterisk in the label). */
  function localise(components) {
    (components || []).forEach(function (c) {
      if (c && c.validate) {
        if (c.validate.required && c.label && c.label.slice(-1) !== "*") c.label = c.label + " *";
        c.validate = {};
      }
      if (c && c.components) localise(c.components);
    });
  }

  function initViewer(el) {
    if (!window.FormViewer) { el.textContent = el.getAttribute("data-missing") || "表单组件未加载"; return; }
    var schema = readJson(el.getAttribute("data-schema"), { type: "default", components: [] });
    localise(schema.components);
    var data = readJson(el.getAttribute("data-data"), {}) || {};
    var input = document.getElementById(el.getAttribute("data-input") || "");
    var readonly = el.getAttribute("data-readonly") === "1";
    var viewer = new window.FormViewer.Form({ container: el, properties: { readOnly: readonly } });
    viewer.importSchema(schema, data).then(function () {
      if (input) input.value = JSON.stringify(viewer._getState().data || data);
    }).catch(function (err) { console.error(err); });
    viewer.on("changed", function (e) { if (input) input.value = JSON.stringify(e.data || {}); });
    if (input && input.form) {
      input.form.addEventListener("submit", function () {
        try { input.value = JSON.stringify(viewer._getState().data || {}); } catch (e) { /* keep last value */ }
      });
    }
    el.scViewer = viewer;
  }

  function init() {
    document.querySelectorAll("[data-sc-designer]").forEach(initDesigner);
    document.querySelectorAll("[data-sc-viewer]").forEach(initViewer);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
