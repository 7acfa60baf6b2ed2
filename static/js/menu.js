// The header's menu button on narrow screens (templates/base.html, static/css/site.css).
// Loaded in the <head>: the page is marked at once, so a phone never shows the open menu
// first; without this script the button stays hidden and the menu is simply shown.
document.documentElement.classList.add("has-menu-button");

document.addEventListener("DOMContentLoaded", () => {
  const button = document.querySelector(".menu-button");
  if (!button) return;
  const setOpen = (open) => button.setAttribute("aria-expanded", String(open));
  button.addEventListener("click", () => {
    setOpen(button.getAttribute("aria-expanded") !== "true");
  });
  // Escape closes the menu and gives the focus back to its button.
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
      setOpen(false);
      button.focus();
    }
  });
});
