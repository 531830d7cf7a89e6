/* trace staff pages: scanner comfort and no double submission. Every page works without this.
 *
 * - A barcode scanner types a code and Enter. Enter in a scan field (input[data-scan]) sends
 *   the form with action=scan and swaps in the form the server answers (a carton counted, an
 *   orchard chosen), focus back in the scan field: no page reload, the record is not sent.
 * - Buttons marked data-inpage (scan, add, remove, check, preview) work the same way.
 * - A form that records is sent once: its buttons are disabled after the first tap (the server
 *   also refuses a second submission of the same form, see trace/web/once.py).
 * - The packing form shows its mass balance as the kilograms are typed.
 * - A form marked data-queue (the pallet) never loses a scan on a slow or broken network: each
 *   scan gets an id, waits in a queue kept in the browser's storage (a reload keeps it), and is
 *   sent one at a time, in order, retried until the server answers; the server takes each id in
 *   once. The page shows how many scans wait and how many were counted; a counted scan beeps
 *   and flashes, a refused one sounds low and says why.
 * - The chain picture zooms (−, 100 %, +) and pans by dragging; without script it scrolls.
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


  // --- scans that are never lost (form[data-queue]) ------------------------------------------

  var KEEP = ["csrf_token", "once", "scan", "action", "scan_id"]; // never taken from storage
  var queueForm = null;
  var queueState = null; // {pending: [{id, action, scan, extra}], counted, snapshot}
  var sending = false;
  var retryDelay = 500;
  var audio = null;

  function storageKey(form) {
    return "trace-queue:" + form.getAttribute("data-queue");
  }

  function loadState(form) {
    try {
      var kept = JSON.parse(window.localStorage.getItem(storageKey(form)) || "null");
      if (kept && Array.isArray(kept.pending)) {
        return kept;
      }
    } catch (ignored) {
      /* storage refused or spoiled: start afresh */
    }
    return { pending: [], counted: 0, snapshot: null };
  }

  function saveState() {
    try {
      window.localStorage.setItem(storageKey(queueForm), JSON.stringify(queueState));
    } catch (ignored) {
      /* private mode: the queue still lives as long as the page */
    }
  }

  function snapshot(form) {
    var out = [];
    new FormData(form).forEach(function (value, name) {
      if (KEEP.indexOf(name) < 0 && typeof value === "string") {
        out.push([name, value]);
      }
    });
    return out;
  }

  function newId() {
    if (window.crypto && window.crypto.randomUUID) {
      return window.crypto.randomUUID();
    }
    return String(Date.now()) + "-" + String(Math.random()).slice(2);
  }

  function beep(good) {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var tone = audio.createOscillator();
      var gain = audio.createGain();
      tone.frequency.value = good ? 1320 : 220;
      gain.gain.value = 0.08;
      tone.connect(gain);
      gain.connect(audio.destination);
      tone.start();
      tone.stop(audio.currentTime + (good ? 0.08 : 0.3));
    } catch (ignored) {
      /* no sound on this device: the flash still shows */
    }
  }

  function flash(form, good) {
    var box = form.querySelector(".scan");
    if (!box) {
      return;
    }
    box.classList.remove("flash-ok", "flash-bad");
    void box.offsetWidth; // restart the animation
    box.classList.add(good ? "flash-ok" : "flash-bad");
  }

  function showQueue(offline) {
    var line = queueForm && queueForm.querySelector("#scan-queue");
    if (!line) {
      return;
    }
    var words = line.dataset;
    var text = queueState.counted + " " + words.wordsCounted;
    if (queueState.pending.length) {
      text += " · " + queueState.pending.length + " " + words.wordsPending;
    }
    if (offline) {
      text += " · " + words.wordsOffline;
    }
    line.textContent = text;
    line.hidden = false;
    line.classList.toggle("waiting", queueState.pending.length > 0);
    queueForm.setAttribute("data-pending", String(queueState.pending.length));
  }

  // Put the server's form in place of ours, keeping the live scan field (and what the scanner
  // is typing into it) and its focus.
  function swapIn(fresh) {
    var live = queueForm.querySelector("input[data-scan]");
    var hadFocus = document.activeElement === live;
    var slot = fresh.querySelector("input[data-scan]");
    if (live && slot) {
      slot.replaceWith(live);
    }
    var notes = document.getElementById("flashes");
    queueForm.replaceWith(fresh);
    queueForm = fresh;
    if (notes) {
      notes.innerHTML = "";
    }
    setup(fresh);
    if (live && hadFocus) {
      live.focus();
    }
  }

  function send(body) {
    var control = new AbortController();
    var timer = window.setTimeout(function () {
      control.abort();
    }, 20000);
    return fetch(queueForm.getAttribute("action") || window.location.href, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
      signal: control.signal,
    }).then(function (response) {
      window.clearTimeout(timer);
      if (response.redirected) {
        window.location.assign(response.url);
        return null;
      }
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      return response.text();
    });
  }

  function pump() {
    if (sending || !queueForm || !queueState.pending.length) {
      showQueue(false);
      return;
    }
    sending = true;
    var item = queueState.pending[0];
    var body = new FormData(queueForm);
    body.set("action", item.action);
    body.set("scan", item.scan || "");
    body.set("scan_id", item.id);
    Object.keys(item.extra || {}).forEach(function (name) {
      body.set(name, item.extra[name]);
    });
    send(body)
      .then(function (html) {
        sending = false;
        if (html === null) {
          return;
        }
        var fresh = new DOMParser()
          .parseFromString(html, "text/html")
          .getElementById(queueForm.id);
        if (!fresh) {
          throw new Error("no form in the answer");
        }
        queueState.pending.shift();
        var result = fresh.getAttribute("data-scan-result");
        if (result === "counted") {
          queueState.counted += 1;
        }
        swapIn(fresh);
        queueState.snapshot = snapshot(fresh);
        saveState();
        if (item.action === "scan" && result !== "repeat") {
          flash(fresh, result === "counted");
          beep(result === "counted");
        }
        retryDelay = 500;
        pump();
      })
      .catch(function () {
        sending = false;
        showQueue(true);
        window.setTimeout(pump, retryDelay); // kept in the queue: tried again, in order
        retryDelay = Math.min(retryDelay * 2, 4000);
      });
    showQueue(false);
  }

  function enqueue(action, scanText, extra) {
    queueState.pending.push({ id: newId(), action: action, scan: scanText, extra: extra || {} });
    saveState();
    pump();
  }

  function startQueue(form) {
    queueForm = form;
    queueState = loadState(form);
    if (form.hasAttribute("data-fresh") && queueState.snapshot && queueState.snapshot.length) {
      // A reload (or a new visit) while a pallet was being built: bring its cartons back.
      var body = new FormData();
      new FormData(form).forEach(function (value, name) {
        if (name === "csrf_token" || name === "once") {
          body.append(name, value);
        }
      });
      queueState.snapshot.forEach(function (pair) {
        body.append(pair[0], pair[1]);
      });
      body.set("action", "restore");
      sending = true;
      send(body)
        .then(function (html) {
          sending = false;
          var fresh = html && new DOMParser().parseFromString(html, "text/html").getElementById(form.id);
          if (fresh) {
            swapIn(fresh);
          }
          pump();
        })
        .catch(function () {
          sending = false;
          window.setTimeout(function () {
            startQueue(queueForm);
          }, retryDelay);
        });
    } else {
      queueState.snapshot = snapshot(form);
      saveState();
      pump();
    }
    showQueue(false);
  }

  window.addEventListener("online", function () {
    retryDelay = 500;
    pump();
  });

  document.addEventListener("keydown", function (event) {
    var field = event.target;
    if (event.key !== "Enter" || !field.matches || !field.matches("input[data-scan]")) {
      return;
    }
    event.preventDefault();
    if (!field.value.trim()) {
      return;
    }
    if (field.form === queueForm) {
      enqueue("scan", field.value.trim());
      field.value = "";
      return;
    }
    inPage(field.form, "scan");
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    if (!form.matches("form[data-work]")) {
      return;
    }
    if (button && button.hasAttribute("data-inpage")) {
      event.preventDefault();
      if (form === queueForm) {
        var field = form.querySelector("input[data-scan]");
        var extra = {};
        if (button.value === "add") {
          extra.add_lot = (form.querySelector("[name=add_lot]") || {}).value || "";
        }
        enqueue(button.value, button.value === "scan" && field ? field.value.trim() : "", extra);
        if (button.value === "scan" && field) {
          field.value = "";
        }
        return;
      }
      inPage(form, button.value);
      return;
    }
    if (form === queueForm && queueState.pending.length) {
      event.preventDefault(); // recording now would leave the waiting scans out
      var line = form.querySelector("#scan-queue");
      window.alert(line ? line.dataset.wordsWait : "");
      return;
    }
    if (form === queueForm) {
      // recorded (or refused and shown again): the next pallet starts empty
      queueState = { pending: [], counted: 0, snapshot: null };
      saveState();
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


  // --- the chain picture: zoom and pan ------------------------------------------------------

  function setupChain(tools) {
    var box = tools.nextElementSibling;
    var picture = box && box.querySelector("svg.chain");
    if (!picture) {
      return;
    }
    var natural = parseFloat(picture.getAttribute("data-width")) || picture.getBBox().width;
    var scale = 1;
    function zoom(next) {
      scale = Math.min(3, Math.max(0.25, next));
      picture.style.width = natural * scale + "px";
    }
    tools.hidden = false;
    tools.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-zoom]");
      if (!button) {
        return;
      }
      var how = button.getAttribute("data-zoom");
      zoom(how === "in" ? scale * 1.25 : how === "out" ? scale / 1.25 : 1);
    });
    var drag = null;
    box.addEventListener("pointerdown", function (event) {
      if (event.button !== 0 || event.target.closest("a")) {
        return; // a node's link is followed, not dragged
      }
      drag = { x: event.clientX, y: event.clientY, left: box.scrollLeft, top: box.scrollTop };
      box.classList.add("panning");
    });
    window.addEventListener("pointermove", function (event) {
      if (drag) {
        box.scrollLeft = drag.left - (event.clientX - drag.x);
        box.scrollTop = drag.top - (event.clientY - drag.y);
      }
    });
    window.addEventListener("pointerup", function () {
      drag = null;
      box.classList.remove("panning");
    });
  }

  document.querySelectorAll("[data-chain-tools]").forEach(setupChain);

  setup(document);
  var queued = document.querySelector("form[data-queue]");
  if (queued) {
    startQueue(queued);
  }
})();
