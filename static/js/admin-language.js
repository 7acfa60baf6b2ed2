// The admin's language menu applies a choice at once; its button is for browsers without
// scripts. A file rather than an onchange attribute: the admin's CSP allows no inline code.
const languageMenu = document.getElementById("admin-language");
if (languageMenu) {
  languageMenu.addEventListener("change", () => languageMenu.form.submit());
}
