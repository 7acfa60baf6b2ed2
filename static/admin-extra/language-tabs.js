// The language tabs of a translated model's change form (made by modeltranslation as
// jQuery UI tabs labelled "en", "ru", "zh-hans"): each named in its own language with a
// mark that says whether its field is filled in, and one switch (#language-switch, in
// templates/admin/change_form.html) that turns every tab of the form to one language.
"use strict";
{
  const $ = window.django && window.django.jQuery;
  // Found once the page is parsed (this script runs in its head).
  let languageSwitch, radios, bySuffix;

  const panelOf = (link) => document.getElementById(link.closest("li").getAttribute("aria-controls"));

  // The language of a tab: its panel's id is "tab_" + the field's id, which ends in the suffix.
  const suffixOf = (link) => {
    const panelId = panelOf(link).id;
    return [...bySuffix.keys()].find((suffix) => panelId.endsWith(`_${suffix}`));
  };

  const textOf = (field) => field.value.replace(/<[^>]*>/g, "").replace(/&nbsp;/g, " ").trim();

  const isFilled = (panel) => {
    // The rich-text editor shows its text in a contenteditable element; its textarea
    // is brought up to date only when the form is sent.
    const editor = panel.querySelector("[contenteditable=true]");
    if (editor) return editor.textContent.trim() !== "";
    const fields = panel.querySelectorAll("input:not([type=hidden]):not([type=checkbox]), textarea, select");
    return [...fields].some((field) => textOf(field) !== "");
  };

  const showState = (link) => {
    const filled = isFilled(panelOf(link));
    link.classList.toggle("is-filled", filled);
    link.classList.toggle("is-empty", !filled);
    link.querySelector(".language-mark").textContent = filled ? "✓" : "○";
    link.querySelector(".visually-hidden").textContent = ` (${
      filled ? languageSwitch.dataset.filled : languageSwitch.dataset.empty
    })`;
  };

  const activate = (link) => {
    const item = link.closest("li");
    $(link.closest(".ui-tabs")).tabs("option", "active", $(item).index());
  };

  const chosenSuffix = () => radios.find((radio) => radio.checked)?.dataset.suffix;

  const showLanguage = (suffix, links) => {
    for (const link of links) {
      if (suffixOf(link) === suffix) activate(link);
    }
  };

  // Name the tabs not yet named (new inline rows get theirs later); return them.
  const nameTabs = () => {
    const links = [...document.querySelectorAll(".ui-tabs-nav a[href^='#tab_']:not(.language-tab)")];
    for (const link of links) {
      const suffix = suffixOf(link);
      const radio = bySuffix.get(suffix);
      if (!radio) continue;
      const label = radio.labels[0];
      link.classList.add("language-tab");
      link.removeAttribute("title");
      // The list item is the tab (role="tab", focus, arrow keys): a link inside it would be
      // a second control in one (axe: nested-interactive). Clicks still reach jQuery UI.
      link.removeAttribute("href");
      link.lang = label.lang;
      link.textContent = label.textContent.trim();
      const mark = document.createElement("span");
      mark.className = "language-mark";
      mark.setAttribute("aria-hidden", "true");
      const state = document.createElement("span");
      state.className = "visually-hidden";
      link.append(mark, state);
      showState(link);
      const panel = panelOf(link);
      panel.addEventListener("input", () => showState(link));
      panel.addEventListener("change", () => showState(link));
    }
    return links.filter((link) => link.classList.contains("language-tab"));
  };

  const start = () => {
    // jQuery UI loads a tab whose link does not point into the page by XHR; the tabs named
    // here point nowhere (see nameTabs): their panels are in the page.
    const isLocal = $.ui.tabs.prototype._isLocal;
    $.ui.tabs.prototype._isLocal = function (anchor) {
      return !anchor.hasAttribute("href") || isLocal.call(this, anchor);
    };
    languageSwitch = document.getElementById("language-switch");
    if (!languageSwitch) return;
    radios = [...languageSwitch.querySelectorAll("input[type=radio]")];
    // Field-name suffix (en, ru, zh_hans) -> the switch's radio button for that language.
    bySuffix = new Map(radios.map((radio) => [radio.dataset.suffix, radio]));
    // modeltranslation's own switch (codes, in the page's heading) gives way to ours; on a
    // read-only form it has no tabs to turn and no languages to list (an empty, unnamed menu).
    document.getElementById("modeltranslation-main-switch")?.remove();
    const links = nameTabs();
    if (!links.length) return;
    languageSwitch.hidden = false;
    showLanguage(chosenSuffix(), links);
    // A field with an error shows its error, whatever the switch says.
    for (const item of document.querySelectorAll(".ui-tabs-nav li.ui-tab-has-errors")) {
      activate(item.querySelector("a"));
    }
    for (const radio of radios) {
      radio.addEventListener("change", () => showLanguage(chosenSuffix(), document.querySelectorAll("a.language-tab")));
    }
    // Rows added to an inline later get tabs of their own: name them and show the language.
    new MutationObserver(() => {
      const added = nameTabs();
      if (added.length) showLanguage(chosenSuffix(), added);
    }).observe(document.getElementById("content-main") || document.body, { childList: true, subtree: true });
  };

  // After modeltranslation's own ready handler, which makes the tabs.
  if ($) $(start);
}
