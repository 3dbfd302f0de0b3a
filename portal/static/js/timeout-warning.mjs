// Warns a signed-in resident two minutes before their session ends, and lets them stay
// signed in (WCAG 2.2.1). The server ends the session after the same time whatever this
// script does; every text is in the page, translated on the server.
//
// The page holds a closed <dialog data-module="portal-timeout-warning"> with:
//   data-timeout-seconds  how long the session lasts without a request
//   data-warn-seconds     how long before the end to open the warning
//   data-keep-alive-url   GET: 204 restarts the server's clock, anything else means it ended
//   data-ended-url        where to go when the time is up

const SELECTOR = '[data-module="portal-timeout-warning"]';
const CHECK_EVERY_MS = 1000;

export function initTimeoutWarning(scope = document) {
  const dialog = scope.querySelector(SELECTOR);
  if (!dialog || typeof dialog.showModal !== "function") {
    return null;
  }
  const timeoutMs = Number(dialog.dataset.timeoutSeconds) * 1000;
  const warnMs = Number(dialog.dataset.warnSeconds) * 1000;
  const { keepAliveUrl, endedUrl } = dialog.dataset;
  const stay = dialog.querySelector("[data-timeout-warning-stay]");
  if (!(timeoutMs > 0) || !(warnMs >= 0) || !keepAliveUrl || !endedUrl || !stay) {
    return null;
  }

  // Deadlines are clock times, not timer counts: timers sleep with a phone or a
  // background tab, and the check on waking must still see that time has passed.
  let deadline = Date.now() + timeoutMs;
  let returnFocus = null;
  let ending = false;
  let timer = 0;

  function end() {
    if (ending) {
      return;
    }
    ending = true;
    window.clearInterval(timer);
    window.location.assign(endedUrl);
  }

  function open() {
    if (dialog.open) {
      return;
    }
    returnFocus = document.activeElement;
    dialog.showModal();
    stay.focus();
  }

  function close() {
    if (dialog.open) {
      dialog.close();
    }
    if (returnFocus && typeof returnFocus.focus === "function") {
      returnFocus.focus();
    }
    returnFocus = null;
  }

  function check() {
    const left = deadline - Date.now();
    if (left <= 0) {
      end();
    } else if (left <= warnMs) {
      open();
    }
  }

  async function keepAlive() {
    let response;
    try {
      response = await fetch(keepAliveUrl, {
        credentials: "same-origin",
        cache: "no-store",
        headers: { Accept: "text/plain" },
      });
    } catch {
      // Offline: the warning stays open and the deadline still applies.
      return;
    }
    if (response.status === 204) {
      deadline = Date.now() + timeoutMs;
      close();
    } else {
      end();
    }
  }

  stay.addEventListener("click", keepAlive);
  // Escape closes a dialog: here it means "stay signed in", not "ignore the warning".
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    keepAlive();
  });
  document.addEventListener("visibilitychange", check);
  window.addEventListener("pageshow", check);
  timer = window.setInterval(check, CHECK_EVERY_MS);
  return { check, keepAlive };
}
