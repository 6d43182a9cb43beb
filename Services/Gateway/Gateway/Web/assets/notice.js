// The page-wide notice line (role=status): retries, saved changes, connection state.

let timer;

/** Shows `text` (null hides it); `seconds` > 0 hides it again after that long. */
export function notify(text, seconds = 0) {
  const element = document.getElementById('notice');
  if (!element) return;
  clearTimeout(timer);
  element.textContent = text ?? '';
  element.hidden = !text;
  if (text && seconds > 0) timer = setTimeout(() => notify(null), seconds * 1000);
}
