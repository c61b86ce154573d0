/* The live check's answers: personal-data warnings, quiet notices (a text over the limit, 400,
   or a pause, 429) and crisis prompts. A crisis prompt names the code a phrase suggests and
   shows the phrase; the counsellor confirms (the matching flag or category is ticked on the
   form) or declines (the code, never the phrase, is sent with the form as crisis_declined).
   Nothing is set without the counsellor's answer, and an answered code is not asked again. */
(function () {
  "use strict";

  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    var target = event.detail.target;
    if ((status === 400 || status === 429) && target && target.classList.contains("pii-warning")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  function checkbox(form, prompt) {
    var name = prompt.getAttribute("data-crisis-field");
    var code = prompt.getAttribute("data-crisis-code");
    var boxes = form.querySelectorAll('input[type="checkbox"][name="' + name + '"]');
    for (var i = 0; i < boxes.length; i += 1) {
      if (boxes[i].value === code) {
        return boxes[i];
      }
    }
    return null;
  }

  function declined(form, code) {
    var inputs = form.querySelectorAll('input[type="hidden"][name="crisis_declined"]');
    for (var i = 0; i < inputs.length; i += 1) {
      if (inputs[i].value === code) {
        return true;
      }
    }
    return false;
  }

  /* The server counts characters as code points, on the text as the form sent it (CRLF). */
  function phrase(form, prompt) {
    var field = form.querySelector('[name="' + prompt.getAttribute("data-crisis-source") + '"]');
    if (!field) {
      return "";
    }
    var chars = Array.from(field.value.replace(/\r?\n/g, "\r\n"));
    var start = parseInt(prompt.getAttribute("data-crisis-start"), 10);
    var end = parseInt(prompt.getAttribute("data-crisis-end"), 10);
    return chars.slice(start, end).join("");
  }

  function prepare(prompt) {
    var form = prompt.closest("form");
    if (!form) {
      return;
    }
    var code = prompt.getAttribute("data-crisis-code");
    var box = checkbox(form, prompt);
    if ((box && box.checked) || declined(form, code)) {
      prompt.remove();
      return;
    }
    prompt.querySelector("mark").textContent = phrase(form, prompt);
    if (!box) {
      /* This form has no such flag (a note): the prompt stays as a reminder, without buttons. */
      var buttons = prompt.querySelectorAll("[data-crisis-answer]");
      for (var i = 0; i < buttons.length; i += 1) {
        buttons[i].hidden = true;
      }
    }
  }

  function prepareAll(root) {
    var prompts = root.querySelectorAll(".crisis-prompt");
    for (var i = 0; i < prompts.length; i += 1) {
      prepare(prompts[i]);
    }
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.classList.contains("pii-warning")) {
      prepareAll(event.detail.target);
    }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-crisis-answer]") : null;
    if (!button) {
      return;
    }
    var prompt = button.closest(".crisis-prompt");
    var form = prompt && prompt.closest("form");
    if (!form) {
      return;
    }
    var code = prompt.getAttribute("data-crisis-code");
    var source = form.querySelector('[name="' + prompt.getAttribute("data-crisis-source") + '"]');
    if (button.getAttribute("data-crisis-answer") === "confirm") {
      var box = checkbox(form, prompt);
      if (box && !box.checked) {
        box.checked = true;
        /* The suggestions follow the form's codes: let them update as a click would. */
        box.dispatchEvent(new Event("change", { bubbles: true }));
      }
    } else if (!declined(form, code)) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = "crisis_declined";
      input.value = code;
      form.appendChild(input);
    }
    prompt.remove();
    if (source) {
      source.focus();
    }
  });
})();
