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

  /* The form-js editor has no translation hook: label the palette (component names, groups, search) in Chinese
   * by a data-zh attribute shown in CSS instead of the English text, re-applied whenever it re-renders. The properties panel stays in the library's English. */
  var PALETTE_ZH = {
    "Components": "组件", "Input": "输入", "Selection": "选择", "Presentation": "展示", "Containers": "容器",
    "Action": "操作", "Text field": "单行文本", "Text area": "多行文本", "Number": "数字", "Date time": "日期时间",
    "Expression": "表达式", "File picker": "文件选择", "Checkbox": "勾选", "Checkbox group": "多选组",
    "Radio group": "单选组", "Select": "下拉选择", "Tag list": "标签列表", "Text view": "文本说明",
    "Image view": "图片", "Table": "表格", "HTML view": "HTML", "Document preview": "文档预览", "Spacer": "间隔",
    "Separator": "分隔线", "Group": "分组", "Dynamic list": "动态列表", "iFrame": "内嵌页面", "Button": "按钮",
    "Search components": "搜索组件", "No components found.": "未找到组件。"
  };
  function translatePalette(root) {
    root.querySelectorAll(".fjs-palette-header, .fjs-palette-group-title, .fjs-palette-field-text, .fjs-palette-no-entries").forEach(function (n) {
      /* keep the library's text node (Preact owns it); show the Chinese label through CSS (sc.css) */
      var t = (n.textContent || "").trim();
      if (PALETTE_ZH[t] && n.getAttribute("data-zh") !== PALETTE_ZH[t]) n.setAttribute("data-zh", PALETTE_ZH[t]);
    });
    root.querySelectorAll(".fjs-palette-search").forEach(function (n) {
      if (PALETTE_ZH[n.placeholder]) n.placeholder = PALETTE_ZH[n.placeholder];
    });
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
    var busy = false;
    new MutationObserver(function () {
      if (busy) return;
      busy = true;
      try { translatePalette(el); } finally { busy = false; }
    }).observe(el, { childList: true, subtree: true, characterData: true });
    translatePalette(el);
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
