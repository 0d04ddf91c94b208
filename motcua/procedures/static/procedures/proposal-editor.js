/* The proposal editor's live compliance cost (progressive enhancement).
 *
 * Without this script the form works as is: "Add" buttons and "Calculate" submit it and
 * the server answers with the numbers. With it, rows are added in place and every change
 * posts the form's values as JSON to the compliance-cost endpoint (the same selector the
 * server uses), whose numbers are written into the [data-cost] cells.
 */
(function () {
  "use strict";

  var form = document.querySelector("form[data-cost-form]");
  if (!form || !window.fetch || !window.Intl) {
    return;
  }
  var lang = document.documentElement.lang || "vi";
  var vndFormat = form.getAttribute("data-vnd-format") || "%(amount)s VND";
  var status = form.querySelector("[data-cost-status]");
  var whole = new Intl.NumberFormat(lang, { maximumFractionDigits: 0 });
  var decimal = new Intl.NumberFormat(lang, { maximumFractionDigits: 2 });
  var rate = new Intl.NumberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  var formats = {
    vnd: function (v) { return vndFormat.replace("%(amount)s", whole.format(Number(v))); },
    hours: function (v) { return decimal.format(Number(v)); },
    percent: function (v) { return rate.format(Number(v)) + " %"; }
  };
  var places = {};  // "current.actions.0" -> the row it was read from, for errors
  var timer = null;
  var sequence = 0;

  function input(name) {
    return form.querySelector('[name="' + name + '"]');
  }

  function cell(row, field) {
    return row.querySelector('[name$="-' + field + '"]');
  }

  function text(el) {
    return el ? el.value.trim() : "";
  }

  // The rows that count, as the server reads them: not ticked for removal, not blank.
  function rows(prefix, fields) {
    var body = form.querySelector('[data-formset="' + prefix + '"]');
    if (!body) {
      return [];
    }
    return Array.prototype.filter.call(body.querySelectorAll("tr[data-row]"), function (row) {
      var removed = cell(row, "DELETE");
      if (removed && removed.checked) {
        return false;
      }
      return fields.some(function (f) { return text(cell(row, f)) !== ""; });
    });
  }

  function side(name) {
    var data = { actions: [], fees: [] };
    rows(name + "-actions", ["name", "hours"]).forEach(function (row, i) {
      places[name + ".actions." + i] = row;
      data.actions.push({ name: text(cell(row, "name")), hours: text(cell(row, "hours")) || null });
    });
    rows(name + "-fees", ["name", "amount_vnd"]).forEach(function (row, i) {
      places[name + ".fees." + i] = row;
      data.fees.push({ name: text(cell(row, "name")), amount_vnd: text(cell(row, "amount_vnd")) || null });
    });
    // blank money means none, as on the server; counts are required
    data.hired_services_vnd = text(input(name + "-hired_services_vnd")) || 0;
    data.other_costs_vnd = text(input(name + "-other_costs_vnd")) || 0;
    data.subjects_per_year = text(input(name + "-subjects_per_year")) || null;
    data.times_per_year = text(input(name + "-times_per_year")) || null;
    return data;
  }

  function payload() {
    places = {};
    return {
      year: parseInt(text(input("year")), 10) || 0,
      current: side("current"),
      proposed: side("proposed")
    };
  }

  function show(result) {
    form.querySelectorAll("[data-cost]").forEach(function (el) {
      var value = el.getAttribute("data-cost").split(".").reduce(function (obj, key) {
        return obj === null || obj === undefined ? null : obj[key];
      }, result);
      var format = formats[el.getAttribute("data-format")];
      el.textContent = value === null || value === undefined || !format ? "–" : format(value);
      el.setAttribute("data-value", value === null || value === undefined ? "" : String(value));
    });
  }

  function clearLiveErrors() {
    form.querySelectorAll(".field-error.live").forEach(function (el) { el.remove(); });
    form.querySelectorAll("[aria-invalid].live-invalid").forEach(function (el) {
      el.removeAttribute("aria-invalid");
      el.classList.remove("live-invalid");
    });
  }

  // "current.actions.0.hours" -> that row's hours input; "current.subjects_per_year" and
  // "year" -> the inputs of those names.
  function fieldFor(path) {
    var parts = path.split(".");
    if (parts.length >= 4 && places[parts.slice(0, 3).join(".")]) {
      return cell(places[parts.slice(0, 3).join(".")], parts[3]);
    }
    return input(parts.join("-"));
  }

  function showErrors(fields) {
    Object.keys(fields || {}).forEach(function (path) {
      var field = fieldFor(path);
      if (!field) {
        return;
      }
      field.setAttribute("aria-invalid", "true");
      field.classList.add("live-invalid");
      var note = document.createElement("span");
      note.className = "field-error live";
      note.textContent = fields[path].join(" ");
      field.insertAdjacentElement("afterend", note);
    });
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    var hidden = input("csrfmiddlewaretoken");
    return match ? decodeURIComponent(match[1]) : (hidden ? hidden.value : "");
  }

  function calculate() {
    var mine = ++sequence;
    var body = payload();
    fetch(form.getAttribute("data-cost-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (answer) {
      if (mine !== sequence) {
        return;  // a later change is on its way
      }
      clearLiveErrors();
      if (answer.ok) {
        status.textContent = "";
        show(answer.data);
      } else {
        var error = answer.data.error || {};
        status.textContent = error.message || "";
        show({});
        showErrors(error.fields);
      }
    }).catch(function () {
      if (mine === sequence) {
        status.textContent = form.getAttribute("data-offline-message") || "";
      }
    });
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(calculate, 250);
  }

  function addRow(prefix) {
    var template = document.getElementById(prefix + "-template");
    var total = input(prefix + "-TOTAL_FORMS");
    var body = form.querySelector('[data-formset="' + prefix + '"]');
    if (!template || !total || !body) {
      return;
    }
    body.insertAdjacentHTML("beforeend", template.innerHTML.replace(/__prefix__/g, total.value));
    total.value = String(parseInt(total.value, 10) + 1);
    var first = body.lastElementChild.querySelector("input");
    if (first) {
      first.focus();
    }
  }

  form.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-add]");
    if (button) {
      event.preventDefault();
      addRow(button.getAttribute("data-add"));
    }
  });

  function changed(event) {
    var target = event.target;
    if (!target.name || target.name === "csrfmiddlewaretoken") {
      return;
    }
    // the server's message about this input is outdated once it is edited
    var holder = target.closest("td, p");
    if (holder) {
      holder.querySelectorAll(".field-error:not(.live)").forEach(function (el) { el.remove(); });
    }
    if (/-DELETE$/.test(target.name)) {
      target.closest("tr").classList.toggle("removed", target.checked);
    }
    schedule();
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.classList.add("live");
}());
