// The "today" page: the exercise-along timer, and where the focus goes after a log is saved.
// Progressive enhancement: the timers stay hidden without JavaScript, and the page works
// without them. No inline script (the Content-Security-Policy allows only files like this).
//
// A timer reads its steps from data- attributes: data-sets x data-reps of data-hold seconds,
// data-rest-reps seconds between repetitions and data-rest-sets between sets; its texts come
// translated in data-text-* ("{set}", "{sets}", "{rep}", "{reps}" are filled in here).
// Start, pause, resume, stop; each step ends with a short vibration or beep where the browser
// allows it, and always a visual flash; the screen stays awake while a timer runs.
(function () {
  "use strict";

  var running = null; // the one timer running or paused now
  var audio = null; // an AudioContext, made on the first tap (browsers need a gesture)

  function number(el, name, fallback) {
    var value = parseInt(el.getAttribute(name), 10);
    return isNaN(value) || value < 0 ? fallback : value;
  }

  function format(seconds) {
    var m = Math.floor(seconds / 60), s = seconds % 60;
    return m > 0 ? m + ":" + (s < 10 ? "0" : "") + s : String(s);
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, key) {
      return key in values ? String(values[key]) : all;
    });
  }

  // The steps of one exercise: work and rest, with the set and repetition they belong to.
  function steps(el) {
    var sets = Math.max(1, number(el, "data-sets", 1));
    var reps = Math.max(1, number(el, "data-reps", 1));
    var hold = Math.max(1, number(el, "data-hold", 1));
    var restReps = number(el, "data-rest-reps", 0);
    var restSets = number(el, "data-rest-sets", 0);
    var list = [];
    for (var set = 1; set <= sets; set += 1) {
      for (var rep = 1; rep <= reps; rep += 1) {
        list.push({ rest: false, set: set, sets: sets, rep: rep, reps: reps, seconds: hold });
        if (rep < reps && restReps > 0) {
          list.push({ rest: true, set: set, sets: sets, rep: rep + 1, reps: reps, seconds: restReps });
        }
      }
      if (set < sets && restSets > 0) {
        list.push({ rest: true, set: set + 1, sets: sets, rep: 1, reps: reps, seconds: restSets });
      }
    }
    return list;
  }

  function label(el, step) {
    var where = "";
    if (step.sets > 1) {
      where = fill(el.getAttribute("data-text-set") || "", step);
    } else if (step.reps > 1) {
      where = fill(el.getAttribute("data-text-rep") || "", step);
    }
    if (step.rest) {
      var rest = el.getAttribute("data-text-rest") || "";
      return where ? rest + " · " + where : rest;
    }
    return where;
  }

  // --- cues: vibration, or a beep, and always a flash ---

  // Cues: "rep" between two repetitions (a light tick: it paces the movement), "step" into
  // or out of a rest, "end" when the exercise is done.
  var VIBRATE = { rep: 60, step: 200, end: [200, 100, 200] };
  var BEEP = { rep: 0.06, step: 0.15, end: 0.45 };

  function beep(kind) {
    if (!audio || audio.state !== "running") { return false; }
    try {
      var oscillator = audio.createOscillator(), gain = audio.createGain();
      var now = audio.currentTime, length = BEEP[kind];
      oscillator.frequency.value = 880;
      gain.gain.setValueAtTime(0.2, now);
      gain.gain.exponentialRampToValueAtTime(0.001, now + length);
      oscillator.connect(gain);
      gain.connect(audio.destination);
      oscillator.start(now);
      oscillator.stop(now + length);
      return true;
    } catch (error) {
      return false;
    }
  }

  function cue(el, kind) {
    var felt = false;
    if (navigator.vibrate) {
      try { felt = navigator.vibrate(VIBRATE[kind]); } catch (error) { felt = false; }
    }
    if (!felt) { beep(kind); }
    el.classList.remove("exercise-timer--flash");
    void el.offsetWidth; // restart the animation
    el.classList.add("exercise-timer--flash");
  }

  function unlockAudio() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) { return; }
    try {
      if (!audio) { audio = new Context(); }
      if (audio.state === "suspended") { audio.resume(); }
    } catch (error) {
      audio = null;
    }
  }

  // --- the screen stays awake while a timer runs (Screen Wake Lock API, where there is one) ---

  var wakeLock = null;

  function keepAwake() {
    if (!("wakeLock" in navigator) || wakeLock) { return; }
    navigator.wakeLock.request("screen").then(function (lock) {
      if (!running || running.paused) { lock.release(); return; }
      wakeLock = lock;
      lock.addEventListener("release", function () {
        if (wakeLock === lock) { wakeLock = null; }
      });
    }).catch(function () { /* not allowed now (battery saver, hidden tab): no matter */ });
  }

  function letSleep() {
    if (wakeLock) {
      var lock = wakeLock;
      wakeLock = null;
      lock.release().catch(function () {});
    }
  }

  // The browser releases the lock when the page is hidden; take it again on return.
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && running && !running.paused) { keepAwake(); }
  });

  // --- one timer ---

  function part(el, action) {
    return el.querySelector('[data-timer-action="' + action + '"]');
  }

  function buttons(el, state) {
    part(el, "start").hidden = state !== "idle";
    part(el, "pause").hidden = state !== "running";
    part(el, "resume").hidden = state !== "paused";
    part(el, "stop").hidden = state === "idle";
  }

  function show(timer) {
    var step = timer.steps[timer.index];
    var left = Math.max(0, Math.ceil(timer.left / 1000));
    timer.clock.textContent = format(left);
    var where = label(timer.el, step);
    var text = where;
    if (timer.paused) {
      text = timer.el.getAttribute("data-text-paused") + (where ? " · " + where : "");
    }
    if (timer.phase.textContent !== text) { timer.phase.textContent = text; }
    timer.el.classList.toggle("exercise-timer--rest", step.rest);
  }

  function tick() {
    var timer = running;
    if (!timer || timer.paused) { return; }
    if (!document.contains(timer.el)) { stop(); return; } // the card was swapped away
    var now = Date.now();
    timer.left = timer.ends - now;
    while (timer.left <= 0) {
      timer.index += 1;
      if (timer.index >= timer.steps.length) { finish(timer); return; }
      var before = timer.steps[timer.index - 1], after = timer.steps[timer.index];
      cue(timer.el, before.rest || after.rest ? "step" : "rep");
      timer.ends += timer.steps[timer.index].seconds * 1000;
      timer.left = timer.ends - now;
    }
    show(timer);
  }

  function start(el) {
    if (running) { stop(); }
    unlockAudio();
    var list = steps(el);
    running = {
      el: el,
      steps: list,
      index: 0,
      ends: Date.now() + list[0].seconds * 1000,
      left: list[0].seconds * 1000,
      paused: false,
      phase: el.querySelector(".exercise-timer__phase"),
      clock: el.querySelector(".exercise-timer__clock"),
      interval: window.setInterval(tick, 250)
    };
    el.classList.add("exercise-timer--running");
    buttons(el, "running");
    show(running);
    keepAwake();
    part(el, "pause").focus();
  }

  function pause() {
    var timer = running;
    if (!timer || timer.paused) { return; }
    timer.left = timer.ends - Date.now();
    timer.paused = true;
    window.clearInterval(timer.interval);
    buttons(timer.el, "paused");
    show(timer);
    letSleep();
    part(timer.el, "resume").focus();
  }

  function resume() {
    var timer = running;
    if (!timer || !timer.paused) { return; }
    unlockAudio();
    timer.paused = false;
    timer.ends = Date.now() + timer.left;
    timer.interval = window.setInterval(tick, 250);
    buttons(timer.el, "running");
    show(timer);
    keepAwake();
    part(timer.el, "pause").focus();
  }

  function reset(timer) {
    window.clearInterval(timer.interval);
    timer.el.classList.remove("exercise-timer--running", "exercise-timer--rest");
    buttons(timer.el, "idle");
    running = null;
    letSleep();
  }

  function stop() {
    var timer = running;
    if (!timer) { return; }
    reset(timer);
    timer.phase.textContent = "";
    timer.clock.textContent = "";
    if (document.contains(timer.el)) { part(timer.el, "start").focus(); }
  }

  function finish(timer) {
    reset(timer);
    cue(timer.el, "end");
    timer.clock.textContent = "";
    timer.phase.textContent = timer.el.getAttribute("data-text-done");
    part(timer.el, "start").focus();
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-timer-action]") : null;
    if (!button) { return; }
    var el = button.closest("[data-timer]");
    var action = button.getAttribute("data-timer-action");
    if (action === "start") { start(el); }
    else if (running && running.el === el) {
      if (action === "pause") { pause(); }
      else if (action === "resume") { resume(); }
      else if (action === "stop") { stop(); }
    }
  });

  function init(root) {
    var found = root.querySelectorAll ? root.querySelectorAll("[data-timer]") : [];
    Array.prototype.forEach.call(found, function (el) { el.hidden = false; });
    if (root.hasAttribute && root.hasAttribute("data-timer")) { root.hidden = false; }
  }

  // --- after a log is saved without a reload (htmx) ---

  // The card just saved comes back collapsed and the next one open: move the focus (and the
  // view) to what was marked, the answer to a painful log or else the next card's title.
  function settle() {
    var marked = document.querySelector("[data-today-focus]");
    if (!marked) { return; }
    var target = marked.matches(".today-card") ? marked.querySelector(".card__title") : marked;
    Array.prototype.forEach.call(document.querySelectorAll("[data-today-focus]"), function (el) {
      el.removeAttribute("data-today-focus");
    });
    if (target) {
      target.focus({ preventScroll: true });
      var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
      target.scrollIntoView({ block: "start", behavior: still ? "auto" : "smooth" });
    }
  }

  document.addEventListener("htmx:load", function (event) { init(event.target); });
  document.addEventListener("htmx:afterSettle", function () { window.setTimeout(settle, 0); });

  // A page loaded afresh (after a plain post) scrolls to the card by its #anchor itself.
  Array.prototype.forEach.call(document.querySelectorAll("[data-today-focus]"), function (el) {
    el.removeAttribute("data-today-focus");
  });
  init(document);
})();
