// Progressive enhancement only: every page works without it.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // "Select all" checks every box of the named field.
  for (const box of document.querySelectorAll("[data-select-all]")) {
    box.addEventListener("change", () => {
      for (const other of document.querySelectorAll(`input[name="${box.dataset.selectAll}"]`)) other.checked = box.checked;
    });
  }
  // A destructive button asks first.
  for (const button of document.querySelectorAll("[data-confirm]")) {
    button.addEventListener("click", (event) => {
      if (!window.confirm(button.dataset.confirm)) event.preventDefault();
    });
  }
  // A long submission (import, export) shows that it is under way and cannot be sent twice.
  for (const form of document.querySelectorAll("form[data-progress]")) {
    form.addEventListener("submit", () => {
      const status = document.getElementById(form.dataset.progress);
      if (status) status.hidden = false;
      for (const button of form.querySelectorAll("button[type=submit]")) button.disabled = true;
    });
  }
  // A job's page (an export) follows its progress, and reloads when the job is over to show the download.
  for (const job of document.querySelectorAll("[data-poll]")) {
    const bar = job.querySelector("progress");
    const percent = job.querySelector("[data-percent]");
    const poll = async () => {
      const reply = await fetch(job.dataset.poll, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!reply.ok) return;
      const state = await reply.json();
      if (bar) bar.value = state.percent_complete;
      if (percent) percent.textContent = `${state.percent_complete}%`;
      if (state.state === "succeeded" || state.state === "expired") window.location.reload();
      else window.setTimeout(poll, 1000);
    };
    window.setTimeout(poll, 1000);
  }
});
