// "Listen to this page": speech synthesis reads the article block by block, highlighted
{
  const box = document.querySelector("[data-listen]");
  const speech = window.speechSynthesis;
  if (box && speech && window.SpeechSynthesisUtterance) {
    const BLOCKS = "h1,h2,h3,h4,p,li,dt,dd,th,td,figcaption,blockquote";
    const [start, pause, resume, stop] = box.querySelectorAll("button");
    let run = 0; // a stop or a new start makes the previous run's events stale
    let current;
    const mark = (block) => {
      current?.classList.remove("listen-current");
      (current = block)?.classList.add("listen-current");
      block?.scrollIntoView({ block: "nearest" });
    };
    const show = (state, focus) => {
      start.hidden = state !== "";
      pause.hidden = state !== "speaking";
      resume.hidden = state !== "paused";
      stop.hidden = state === "";
      focus.focus();
    };
    const finish = () => {
      run++;
      mark();
      show("", start);
      speech.cancel();
    };
    const speak = (queue, thisRun) => {
      if (thisRun !== run) return;
      const block = queue.shift();
      if (!block) return finish();
      const said = new SpeechSynthesisUtterance(block.innerText);
      said.lang = block.closest("[lang]").lang === "en" ? "en-GB" : "fr-FR"; // text's own
      said.onstart = () => thisRun === run && mark(block);
      said.onend = said.onerror = () => speak(queue, thisRun);
      speech.speak(said);
    };
    start.onclick = () => {
      speech.cancel(); // what another page left queued
      show("speaking", pause);
      // the outermost visible blocks with text; no menu, citation or button
      const blocks = [...box.closest("article").querySelectorAll(BLOCKS)].filter(
        (b) =>
          !b.closest("nav,.sources,[hidden]") &&
          !b.parentElement.closest(BLOCKS) &&
          b.getClientRects().length &&
          b.innerText.trim(),
      );
      speak(blocks, ++run);
    };
    pause.onclick = () => {
      speech.pause();
      show("paused", resume);
    };
    resume.onclick = () => {
      speech.resume();
      show("speaking", pause);
    };
    stop.onclick = finish;
    addEventListener("pagehide", () => speech.cancel());
    box.hidden = false;
  }
}
