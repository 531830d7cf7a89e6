/* trace staff pages: scanner comfort and no double submission. Every page works without this.
 *
 * - A barcode scanner types a code and Enter. Enter in a scan field (input[data-scan]) sends
 *   the form with action=scan and swaps in the form the server answers (a carton counted, an
 *   orchard chosen), focus back in the scan field: no page reload, the record is not sent.
 * - Buttons marked data-inpage (scan, add, remove, check, preview) work the same way.
 * - A form that records is sent once: its buttons are disabled after the first tap (the server
 *   also refuses a second submission of the same form, see trace/web/base.py).
 * - The packing form shows its mass balance as the kilograms are typed.
 */
(function () {
  "use strict";

  var number = new Intl.NumberFormat(document.documentElement.lang || "en", {
    maximumFractionDigits: 3,
  });

  function read(text) {
    var value = parseFloat(String(text || "").replace(",", "."));
    return isFinite(value) ? value : 0;
  }

  function focusScan(root) {
    var field = root.querySelector("input[data-scan]");
    if (field) {
      field.focus();
    }
  }

  function plainSubmit(form, action) {
    var hidden = document.createElement("input");
    hidden.type = "hidden";
    hidden.name = "action";
    hidden.value = action;
    form.appendChild(hidden);
    HTMLFormElement.prototype.submit.call(form);
  }

  var pending = null; // the in-page request under way: a newer one replaces it

  function inPage(form, action) {
    if (pending) {
      pending.abort(); // the form as it is now wins (e.g. a market changed twice)
    }
    var control = new AbortController();
    pending = control;
    var data = new FormData(form);
    data.set("action", action);
    form.classList.add("busy");
    fetch(form.getAttribute("action") || window.location.href, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
      signal: control.signal,
    })
      .then(function (response) {
        if (response.redirected) {
          window.location.assign(response.url);
          return null;
        }
        return response.text();
      })
      .then(function (html) {
        if (pending === control) {
          pending = null;
        }
        if (html === null || control.signal.aborted) {
          return;
        }
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.getElementById(form.id);
        if (!fresh) {
          plainSubmit(form, action);
          return;
        }
        var notes = page.getElementById("flashes");
        var ours = document.getElementById("flashes");
        if (notes && ours) {
          ours.replaceWith(notes);
        }
        form.replaceWith(fresh);
        setup(fresh);
        focusScan(fresh);
      })
      .catch(function (error) {
        if (error && error.name === "AbortError") {
          return; // a newer request took over
        }
        form.classList.remove("busy");
        plainSubmit(form, action);
      });
  }

  function balance(form) {
    var box = form.querySelector("[data-balance]");
    if (!box) {
      return;
    }
    var used = 0;
    form.querySelectorAll("input[data-kg]").forEach(function (input) {
      var kg = read(input.value);
      var left = read(input.getAttribute("data-left"));
      if (kg > 0) {
        used += kg;
      }
      var after = input.closest("tr").querySelector("[data-after]");
      if (after) {
        after.textContent = number.format(left - Math.max(kg, 0));
        after.classList.toggle("bad", kg > left + 1e-9);
      }
    });
    var product = form.querySelector("select[name=product_gtin]");
    var option = product && product.selectedOptions[0];
    var each = option ? read(option.getAttribute("data-net")) : 0;
    var cartons = read((form.querySelector("input[name=cartons]") || {}).value);
    var net = each * cartons;
    var show = { used: used, each: each, cartons: cartons, net: net, spare: used - net };
    Object.keys(show).forEach(function (key) {
      var out = box.querySelector("[data-out=" + key + "]");
      if (out) {
        out.textContent = number.format(show[key]);
      }
    });
    box.classList.toggle("ok", used > 0 && net > 0 && net <= used + 1e-9);
    box.classList.toggle("bad", net > used + 1e-9);
  }

  function setup(root) {
    root.querySelectorAll("form[data-work]").forEach(function (form) {
      balance(form);
    });
    if (root.matches && root.matches("form[data-work]")) {
      balance(root);
    }
  }

  document.addEventListener("keydown", function (event) {
    var field = event.target;
    if (event.key !== "Enter" || !field.matches || !field.matches("input[data-scan]")) {
      return;
    }
    event.preventDefault();
    if (field.value.trim()) {
      inPage(field.form, "scan");
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    if (!form.matches("form[data-work]")) {
      return;
    }
    if (button && button.hasAttribute("data-inpage")) {
      event.preventDefault();
      inPage(form, button.value);
      return;
    }
    if (form.getAttribute("data-sent")) {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-sent", "1");
    window.setTimeout(function () {
      form.querySelectorAll("button").forEach(function (b) {
        b.disabled = true;
      });
      form.classList.add("sent");
    }, 0);
  });

  document.addEventListener("input", function (event) {
    var form = event.target.form;
    if (form && form.matches("form[data-work]")) {
      balance(form);
    }
  });

  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches && field.matches("select[data-recheck]") && field.form) {
      inPage(field.form, "check");
    }
  });

  // Back to a page whose form was sent (the browser's page cache): it can be used again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      document.querySelectorAll("form[data-sent]").forEach(function (form) {
        form.removeAttribute("data-sent");
        form.classList.remove("sent", "busy");
        form.querySelectorAll("button").forEach(function (b) {
          b.disabled = false;
        });
      });
    }
  });

  setup(document);
})();
