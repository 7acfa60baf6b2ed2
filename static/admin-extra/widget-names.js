// Names for the parts of the admin's change-form widgets that are built without one (axe:
// label, aria-input-field-name): the rich-text editor's editable area (django-prose-editor),
// the autocomplete boxes (select2) and the date and time boxes of a date-time field. Each
// is named after its field's label (in a tabular inline, its column's); in a language tab,
// with the tab's language too.
"use strict";
{
  const labelText = (label) => (label ? label.textContent.replace(/:\s*$/, "").trim() : "");

  const labelOf = (field) => {
    if (!field || !field.id) return "";
    // A tabular inline's boxes have no <label>: their column's name is their aria-label
    // (NamedColumns in core/admin_helpers.py).
    const text =
      labelText(document.querySelector(`label[for="${field.id}"]`)) ||
      (field.getAttribute("aria-label") || "").trim();
    const panel = field.closest(".ui-tabs-panel");
    const tab = panel && document.querySelector(`[aria-controls="${panel.id}"] a`);
    return text && tab ? `${text} (${tab.firstChild.textContent.trim()})` : text;
  };

  const name = (element, text) => {
    if (text) element.setAttribute("aria-label", text);
  };

  const nameWidgets = () => {
    for (const editor of document.querySelectorAll(".ProseMirror[contenteditable]:not([aria-label])")) {
      // The editor stands in for its textarea, which keeps the id the label points at.
      name(editor, labelOf(editor.closest(".prose-editor")?.querySelector("textarea")));
    }
    const select2 = ".select2-selection:not([aria-label]), .select2-search__field:not([aria-label]), .select2-selection__rendered[role=textbox]:not([aria-label])";
    for (const part of document.querySelectorAll(select2)) {
      name(part, labelOf(part.closest(".select2-container")?.previousElementSibling));
    }
    // "Date: [ ] Time: [ ]" under the field's label, which points at neither box.
    for (const box of document.querySelectorAll(".datetime input[type=text]:not([aria-label])")) {
      if (box.labels.length) continue;
      const field = labelText(box.closest(".flex-container, .form-row")?.querySelector("label"));
      const part = box.previousSibling?.textContent.replace(/:\s*$/, "").trim();
      name(box, [field, part].filter(Boolean).join(": "));
    }
  };

  const start = () => {
    nameWidgets();
    // The editor starts a moment later (a module); inline rows are added at any time.
    new MutationObserver(nameWidgets).observe(document.body, { childList: true, subtree: true });
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
}
