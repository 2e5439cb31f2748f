// "Was this page helpful?" sent in place. Where that fails, the form is sent as without
// script: the page that comes back says why, in the visitor's language.
for (const box of document.querySelectorAll("[data-feedback]")) {
  const form = box.querySelector("form");
  let sending = false; // a double click sends one answer
  form.onsubmit = async (event) => {
    event.preventDefault();
    if (sending) return;
    sending = true;
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new URLSearchParams(new FormData(form)),
        redirect: "manual", // a redirect back to the page: recorded
      });
      if (response.type === "opaqueredirect") {
        box.classList.add("is-sent");
        return box.querySelector("[tabindex]").focus();
      }
    } catch {} // offline
    form.submit();
  };
}
