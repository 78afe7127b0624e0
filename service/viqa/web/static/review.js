// Keyboard review: j/k move between flags, c confirm, d dismiss, e correct (inline form).
// Every action posts to /review/decision with the page's CSRF token.
(function () {
  "use strict";
  const csrf = document.body.dataset.csrf;
  const flags = () => Array.from(document.querySelectorAll("li.flag[data-code]"));

  function move(step) {
    const all = flags();
    if (!all.length) return;
    const index = all.indexOf(document.activeElement);
    const next = all[Math.min(Math.max(index + step, 0), all.length - 1)];
    next.focus();
    next.scrollIntoView({ block: "nearest" });
  }

  async function decide(flag, action, extra) {
    const body = new URLSearchParams({
      csrf: csrf, job_id: flag.dataset.job, sentence_id: flag.dataset.sentence,
      flag: flag.dataset.flag || "", code: flag.dataset.code, action: action, ...extra,
    });
    const response = await fetch("/review/decision", {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRF-Token": csrf },
    });
    if (!response.ok) {
      flag.classList.add("failed");
      return;
    }
    const decision = await response.json();
    flag.dataset.status = decision.status;
    const label = flag.querySelector("[data-role=status]");
    if (label) {
      label.textContent = decision.status === "dismissed"
        ? "dismissed (" + (decision.scope === "tenant" ? "everywhere" : "this article") + ")"
        : decision.status;
    }
    // The row's tint follows the sentence's verdict: a row whose flags are all dismissed is
    // not flagged any more.
    const row = flag.closest("tr");
    if (row) {
      row.classList.remove("flagged", "critical", "major", "minor");
      if (decision.sentence_flagged) {
        row.classList.add("flagged");
        if (decision.sentence_severity) row.classList.add(decision.sentence_severity);
      }
    }
    return decision;
  }

  document.addEventListener("keydown", function (event) {
    const target = event.target;
    if (target.matches("input, textarea, select") || event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    const flag = target.closest ? target.closest("li.flag[data-code]") : null;
    if (event.key === "j") { move(1); event.preventDefault(); }
    else if (event.key === "k") { move(-1); event.preventDefault(); }
    else if (flag && event.key === "c") { decide(flag, "confirm", {}); }
    else if (flag && event.key === "d") { decide(flag, "dismiss", {}); }
    else if (flag && event.key === "e") {
      // Inline correction: open the card's form, prefilled with the sentence.
      const panel = flag.querySelector("details[data-role=correct]");
      if (!panel) return;
      panel.open = true;
      const box = panel.querySelector("textarea");
      box.focus();
      box.setSelectionRange(box.value.length, box.value.length);
      event.preventDefault();
    }
  });
})();
