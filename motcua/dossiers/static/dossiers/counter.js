/* The counter (progressive enhancement; without it the form works by typing the code).
 *
 * - The procedure is picked by typing words of its name without accents: the list comes
 *   from the counter's JSON endpoint; arrows move, Enter picks, Escape closes.
 * - Picking a procedure fills the documents' checklist and shows the appointment a
 *   dossier received now would get, computed by the server with the agency's calendar.
 * - Nothing typed is lost: the page is never reloaded to do this.
 * - Ctrl+Enter submits (receives) from anywhere, even a text area.
 */
(function () {
  "use strict";

  var form = document.querySelector("form[data-counter-form]");
  if (!form || !window.fetch) {
    return;
  }
  var input = form.querySelector("[data-procedure-input]");
  var list = form.querySelector("[data-procedure-list]");
  var chosen = form.querySelector("[data-procedure-name]");
  var box = form.querySelector("[data-checklist-box]");
  var appointment = form.querySelector("[data-appointment]");
  var agencyInput = form.querySelector('[name="agency"]');
  var refuse = form.querySelector("[data-refuse]");
  var text = function (name) { return form.getAttribute("data-text-" + name) || ""; };
  var results = [];
  var active = -1;
  var timer = null;
  var sequence = 0;
  var picked = input.value;

  function agency() {
    return agencyInput ? agencyInput.value : "";
  }

  function url(base, params) {
    var query = Object.keys(params).map(function (k) {
      return encodeURIComponent(k) + "=" + encodeURIComponent(params[k]);
    }).join("&");
    return base + "?" + query;
  }

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function highlight(index) {
    var items = list.querySelectorAll("li[role=option]");
    Array.prototype.forEach.call(items, function (li, i) {
      li.setAttribute("aria-selected", i === index ? "true" : "false");
    });
    active = index;
    if (index >= 0 && items[index]) {
      input.setAttribute("aria-activedescendant", items[index].id);
      items[index].scrollIntoView({ block: "nearest" });
    }
  }

  function show(rows) {
    results = rows;
    list.textContent = "";
    if (!rows.length) {
      var none = document.createElement("li");
      none.textContent = text("none");
      none.className = "other";
      list.appendChild(none);
    }
    rows.forEach(function (row, i) {
      var li = document.createElement("li");
      li.id = "procedure-option-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.setAttribute("data-code", row.code);
      if (!row.competent) {
        li.className = "other";
      }
      var code = document.createElement("span");
      code.className = "code";
      code.textContent = row.code + " ";
      li.appendChild(code);
      li.appendChild(document.createTextNode(row.name));
      if (!row.competent) {
        li.appendChild(document.createTextNode(" (" + text("not-competent") + ")"));
      }
      li.addEventListener("mousedown", function (event) {
        event.preventDefault();
        pick(i);
      });
      list.appendChild(li);
    });
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    highlight(rows.length ? 0 : -1);
  }

  function search() {
    var q = input.value.trim();
    var mine = ++sequence;
    fetch(url(form.getAttribute("data-search-url"), { agency: agency(), q: q }), {
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    }).then(function (r) { return r.ok ? r.json() : Promise.reject(r); })
      .then(function (data) {
        if (mine === sequence && document.activeElement === input) {
          show(data.results || []);
        }
      })
      .catch(function () { chosen.textContent = text("offline"); });
  }

  function pick(index) {
    var row = results[index];
    close();
    if (!row) {
      return;
    }
    input.value = row.code;
    picked = row.code;
    load(row.code);
  }

  function cell(tag, child) {
    var td = document.createElement(tag);
    if (child) {
      td.appendChild(child);
    }
    return td;
  }

  function checklist(documents) {
    var old = box.querySelector("tbody");
    var body = document.createElement("tbody");
    documents.forEach(function (doc) {
      var prefix = "doc-" + doc.index;
      var tr = document.createElement("tr");
      tr.setAttribute("data-doc", doc.index);
      var check = document.createElement("input");
      check.type = "checkbox";
      check.name = prefix + "-given";
      check.id = prefix + "-given";
      check.value = "1";
      tr.appendChild(cell("td", check));
      var label = document.createElement("label");
      label.htmlFor = check.id;
      label.textContent = doc.name;
      var name = cell("td", label);
      if (doc.mandatory) {
        var badge = document.createElement("span");
        badge.className = "badge";
        badge.textContent = text("mandatory");
        name.appendChild(document.createTextNode(" "));
        name.appendChild(badge);
      }
      tr.appendChild(name);
      var copies = document.createElement("input");
      copies.type = "number";
      copies.className = "copies";
      copies.name = prefix + "-copies";
      copies.min = "1";
      copies.max = "100";
      copies.value = String(doc.copies || 1);
      copies.setAttribute("aria-label", text("copies") + " " + doc.name);
      tr.appendChild(cell("td", copies));
      var file = document.createElement("input");
      file.type = "file";
      file.name = prefix + "-file";
      file.accept = ".pdf,.jpg,.jpeg,.png,.tif,.tiff,.docx,.xlsx";
      file.setAttribute("aria-label", text("scan") + " " + doc.name);
      file.addEventListener("change", function () { if (file.files.length) { check.checked = true; } });
      tr.appendChild(cell("td", file));
      body.appendChild(tr);
    });
    old.parentNode.replaceChild(body, old);
    var missing = form.querySelector("[data-missing-list]");
    if (missing) {
      missing.remove();
    }
  }

  function load(code) {
    fetch(url(form.getAttribute("data-procedure-url"), { agency: agency(), code: code }), {
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    }).then(function (r) { return r.json(); })
      .then(function (data) {
        if (data.error) {
          chosen.textContent = data.error.message;
          return;
        }
        chosen.textContent = "";
        var strong = document.createElement("strong");
        strong.textContent = data.name;
        chosen.appendChild(strong);
        chosen.appendChild(document.createTextNode(" · " + data.time_limit));
        if (!data.competent) {
          var warn = document.createElement("span");
          warn.className = "field-error";
          warn.textContent = " " + text("not-competent");
          chosen.appendChild(warn);
          if (refuse) {
            refuse.open = true;
          }
        }
        checklist(data.documents || []);
        appointment.textContent = text("appointment") + " ";
        var due = document.createElement("strong");
        due.setAttribute("data-due", data.due_at);
        due.textContent = data.due_text;
        appointment.appendChild(due);
      })
      .catch(function () { chosen.textContent = text("offline"); });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(search, 150);
  });
  input.addEventListener("focus", function () {
    if (!input.value.trim()) {
      search();
    }
  });
  input.addEventListener("blur", function () {
    setTimeout(close, 150);
    var typed = input.value.trim();
    if (typed && typed !== picked && list.hidden) {
      picked = typed;
      load(typed);  // a code typed in full
    }
  });
  input.addEventListener("keydown", function (event) {
    var open = !list.hidden;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      if (!open) {
        search();
      } else {
        highlight(Math.min(active + 1, results.length - 1));
      }
    } else if (event.key === "ArrowUp" && open) {
      event.preventDefault();
      highlight(Math.max(active - 1, 0));
    } else if (event.key === "Enter" && open && active >= 0) {
      event.preventDefault();  // pick, rather than submit the form
      pick(active);
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      close();
    }
  });
  form.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      var receive = form.querySelector('button[data-op="receive"]');
      if (receive) {
        receive.click();
      }
    }
  });
})();
