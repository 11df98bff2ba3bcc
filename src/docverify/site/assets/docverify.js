/* docverify: popovers that open by hover, keyboard and touch; lit instructions; Claims page filters. */
(() => {
  if (window.__docverify) return; // the script may be inlined more than once
  window.__docverify = true;
  const open = new Set();
  const trigger = (tip) => tip.querySelector(":scope > button, :scope > a");
  const pop = (tip) => tip.querySelector(":scope > .dv-pop");
  const timers = new WeakMap();

  function place(tip) {
    const box = trigger(tip).getBoundingClientRect();
    const panel = pop(tip);
    const left = Math.max(8, Math.min(box.left, window.innerWidth - panel.offsetWidth - 8));
    let top = box.bottom + 4;
    if (top + panel.offsetHeight > window.innerHeight - 8 && box.top - panel.offsetHeight - 4 > 8) {
      top = box.top - panel.offsetHeight - 4;
    }
    panel.style.left = `${left}px`;
    panel.style.top = `${top}px`;
  }
  function show(tip, how) {
    for (const other of [...open]) if (other !== tip) hide(other);
    pop(tip).hidden = false;
    trigger(tip).setAttribute("aria-expanded", "true");
    tip.dataset.dvOpened = how;
    open.add(tip);
    place(tip);
  }
  function hide(tip, refocus) {
    pop(tip).hidden = true;
    trigger(tip).setAttribute("aria-expanded", "false");
    open.delete(tip);
    if (refocus) trigger(tip).focus();
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest(".dv-tip > button");
    if (button) {
      const tip = button.parentElement;
      if (!open.has(tip)) show(tip, "click");
      else if (tip.dataset.dvOpened === "hover") tip.dataset.dvOpened = "click"; // a click pins it
      else hide(tip);
      return;
    }
    if (!event.target.closest(".dv-tip")) for (const tip of [...open]) hide(tip);
  });
  document.addEventListener("pointerover", (event) => {
    if (event.pointerType !== "mouse") return; // touch opens by tap, not by the hover it emulates
    const tip = event.target.closest(".dv-tip");
    if (!tip) return;
    clearTimeout(timers.get(tip));
    if (!open.has(tip)) show(tip, "hover");
  });
  document.addEventListener("pointerout", (event) => {
    if (event.pointerType !== "mouse") return;
    const tip = event.target.closest(".dv-tip");
    if (!tip || (event.relatedTarget && tip.contains(event.relatedTarget))) return;
    timers.set(tip, setTimeout(() => {
      if (tip.dataset.dvOpened === "hover" && !tip.contains(document.activeElement)) hide(tip);
    }, 250));
  });
  document.addEventListener("focusin", (event) => {
    const link = event.target.closest(".dv-tip > a");
    if (link && !open.has(link.parentElement)) show(link.parentElement, "focus");
  });
  document.addEventListener("focusout", (event) => {
    const tip = event.target.closest(".dv-tip");
    if (tip && open.has(tip) && !(event.relatedTarget && tip.contains(event.relatedTarget))) hide(tip);
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || !open.size) return;
    const inside = document.activeElement && document.activeElement.closest(".dv-tip");
    for (const tip of [...open]) hide(tip, tip === inside);
  });
  const replace = () => open.forEach(place);
  window.addEventListener("scroll", replace, { passive: true });
  window.addEventListener("resize", replace);

  // A cited instruction spans lines: reaching its first line lights them all.
  function light() {
    document.querySelectorAll(".dv-lit").forEach((line) => line.classList.remove("dv-lit"));
    const id = decodeURIComponent(location.hash.slice(1));
    const target = id && document.getElementById(id);
    const group = target && target.dataset.dvGroup;
    if (group) document.querySelectorAll(`[data-dv-group="${CSS.escape(group)}"]`).forEach((line) => line.classList.add("dv-lit"));
  }
  window.addEventListener("hashchange", light);
  light();

  // The Claims page: filter rows by page, level and state; the summary counts what is shown.
  const form = document.querySelector(".dv-filters");
  if (!form) return;
  const rows = [...document.querySelectorAll(".dv-table tbody tr")];
  const shown = document.querySelector("[data-dv-shown]");
  const empty = document.querySelector(".dv-empty");
  const levels = ["static", "image", "running"];
  function filter() {
    const page = form.elements.page.value, level = form.elements.level.value, state = form.elements.state.value;
    let count = 0;
    for (const row of rows) {
      let keep = !page || row.dataset.page === page;
      if (keep && state) keep = (level ? [level] : levels).some((name) => row.dataset[name] === state);
      else if (keep && level) keep = row.dataset[level] !== "na";
      row.hidden = !keep;
      count += keep ? 1 : 0;
    }
    if (shown) shown.textContent = String(count);
    if (empty) empty.hidden = count > 0;
  }
  form.hidden = false;
  form.addEventListener("change", filter);
  filter();
})();
