// The lesson player: plays a run the server computed once, entirely in the browser.
//
// Every chart of the lesson carries a Vega-Lite param named data.signal, bound to a hidden
// range input (input[name=<signal>]); this player sets those inputs once per animation
// frame, so every chart follows the same frame with no message to the server. Streamlit
// re-runs this function on every rerun without unmounting: the state lives on the root
// element and old timers are cleared before new ones start.
export default function (component) {
  const { data, parentElement } = component;
  const root = parentElement.querySelector(".dl-player");
  if (!root || !data) return;
  const $ = (sel) => root.querySelector(sel);
  const play = $(".dl-play"), back = $(".dl-back"), forward = $(".dl-forward");
  const reset = $(".dl-reset"), scrub = $(".dl-scrub"), speed = $(".dl-speed");
  const number = $(".dl-number"), unit = $(".dl-unit"), total = $(".dl-total");
  const last = Math.max(data.frames - 1, 0);
  const labels = data.labels;
  const reduced = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  const firstMount = !root.__dl;
  const s = root.__dl || (root.__dl = { frame: data.start, playing: false, fps: data.fps });
  s.data = data;
  s.frames = (window.__dlFrames = window.__dlFrames || {});

  // labels follow the language of the latest run
  unit.textContent = labels.unit;
  play.querySelector(".dl-text").textContent = s.playing ? labels.pause : labels.play;
  back.setAttribute("aria-label", labels.back); back.title = labels.back;
  forward.setAttribute("aria-label", labels.forward); forward.title = labels.forward;
  reset.setAttribute("aria-label", labels.reset); reset.title = labels.reset;
  scrub.setAttribute("aria-label", labels.unit);
  $(".dl-speed-label").textContent = labels.speed;
  speed.setAttribute("aria-label", labels.speed);
  root.setAttribute("aria-label", labels.player);
  if (!data.fps_options.includes(s.fps)) s.fps = data.fps;
  speed.replaceChildren(...data.fps_options.map((fps) => {
    const option = document.createElement("option");
    option.value = String(fps);
    option.textContent = fps === 1 ? labels.fps_one : labels.fps.replace("{n}", String(fps));
    option.selected = fps === s.fps;
    return option;
  }));
  scrub.max = String(last);
  scrub.min = "0";
  total.textContent = String(last + data.first_number);
  for (const b of [play, back, forward, reset, scrub]) b.disabled = last === 0;

  function push(signal, value) {
    // every chart drawn with this signal; charts mounted by a rerun pick it up here too
    for (const input of document.querySelectorAll(`input[name="${signal}"]`)) {
      if (Number(input.value) !== value) {
        input.value = String(value);
        input.dispatchEvent(new Event("input", { bubbles: true }));
      }
    }
  }

  function panels(frame) {
    // Streamlit elements that belong to one frame (st.container(key=<key>_panel_<i>))
    if (!data.panels) return;
    for (const el of document.querySelectorAll(`[class*="st-key-${data.key}_panel_"]`)) {
      const m = [...el.classList].map((c) => c.match(new RegExp(`^st-key-${data.key}_panel_(\\d+)$`))).find(Boolean);
      if (m) el.style.display = Number(m[1]) === frame ? "" : "none";
    }
  }

  function show(frame, counted) {
    frame = Math.min(Math.max(Math.round(frame), 0), last);
    const changed = frame !== s.frame;
    s.frame = frame;
    scrub.value = String(frame);
    number.textContent = String(frame + data.first_number);
    root.dataset.frame = String(frame);
    push(data.signal, frame);
    panels(frame);
    if (changed && counted) s.frames[data.key] = (s.frames[data.key] || 0) + 1;
  }

  function setPlaying(on) {
    s.playing = on;
    root.dataset.playing = on ? "true" : "false";
    play.querySelector(".dl-text").textContent = on ? labels.pause : labels.play;
    play.querySelector(".dl-icon").textContent = on ? "pause" : "play_arrow";
    play.setAttribute("aria-pressed", on ? "true" : "false");
    cancelAnimationFrame(s.raf);
    if (!on) return;
    if (s.frame >= last) show(0, false);
    s.t0 = 0;
    s.raf = requestAnimationFrame(tick);
  }

  function tick(ts) {
    if (!s.playing) return;
    // frames advance by elapsed time, so a slow paint never slows the run down
    if (!s.t0) { s.t0 = ts; s.f0 = s.frame; }
    const frame = Math.min(s.f0 + Math.floor(((ts - s.t0) * s.fps) / 1000), last);
    if (frame !== s.frame) show(frame, true);
    if (frame >= last) { setPlaying(false); return; }
    s.raf = requestAnimationFrame(tick);
  }

  function step(by) { setPlaying(false); show(s.frame + by, false); }

  play.onclick = () => setPlaying(!s.playing);
  back.onclick = () => step(-1);
  forward.onclick = () => step(1);
  reset.onclick = () => { setPlaying(false); show(0, false); };
  scrub.oninput = () => { setPlaying(false); show(Number(scrub.value), false); };
  speed.onchange = () => {
    s.fps = Number(speed.value);
    if (s.playing) { s.t0 = 0; }
  };
  root.onkeydown = (event) => {
    if (event.target === speed) return;
    const keys = { " ": () => setPlaying(!s.playing), ArrowRight: () => step(1), ArrowLeft: () => step(-1),
                   Home: () => step(-last), End: () => step(last) };
    if (!keys[event.key] || (event.key === " " && event.target.tagName === "BUTTON")) return;
    event.preventDefault();
    keys[event.key]();
  };

  // the live control: while a Streamlit slider (data.live.widget) is dragged, the charts
  // switch to the precomputed run for the value under the thumb
  function liveIndex() {
    if (!data.live) return null;
    // Streamlit's slider keeps the option's index in its range input while it is dragged
    const input = document.querySelector(`.st-key-${data.live.widget} input[type="range"]`);
    const value = input ? Number(input.value) : NaN;
    return Number.isFinite(value) ? value : null;
  }
  function syncLive() {
    const index = liveIndex();
    if (index !== null && index !== s.liveIndex) {
      s.liveIndex = index;
      push(data.live.signal, index);
    }
  }

  if (s.runId !== data.run_id) {
    // a new run (changed input): stop on its first or last frame
    const fresh = s.runId === undefined;
    s.runId = data.run_id;
    setPlaying(false);
    show(data.start, false);
    if (fresh && firstMount && data.autoplay && !reduced && last > 0) setPlaying(true);
  } else {
    show(s.frame, false);
    if (s.playing) setPlaying(true);
  }
  root.dataset.ready = "true";

  clearInterval(s.poll);
  s.poll = setInterval(() => {
    if (!document.contains(root)) { clearInterval(s.poll); cancelAnimationFrame(s.raf); return; }
    if (!s.playing) { push(data.signal, s.frame); panels(s.frame); }
    if (data.live) { s.liveIndex = null; syncLive(); }
  }, 150);
  if (s.observer) s.observer.disconnect();
  s.observer = null;
  if (data.live) {
    const box = document.querySelector(`.st-key-${data.live.widget}`);
    if (box) {
      s.observer = new MutationObserver(syncLive);
      s.observer.observe(box, { subtree: true, attributes: true, characterData: true, childList: true });
    }
  }
  return () => {
    clearInterval(s.poll);
    cancelAnimationFrame(s.raf);
    if (s.observer) s.observer.disconnect();
    delete root.__dl;
  };
}
