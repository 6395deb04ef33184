// Measures what a reader sees once the page is laid out, and writes it as JSON into
// <pre id="probe"> (for an SVG document: the root's data-probe attribute), where
// chromium --dump-dom prints it.
window.addEventListener("load", () => {
  const svg = document.querySelector(".diagram svg") || document.documentElement;
  const heights = [...svg.querySelectorAll("text")]
    .map((t) => t.getBoundingClientRect().height)
    .filter((h) => h > 0)
    .sort((a, b) => a - b);
  const box = svg.getBoundingClientRect();
  const body = document.body;
  const result = JSON.stringify({
    smallest_label_px: heights[0],
    labels: heights.length,
    drawing_width_px: box.width,
    window_width_px: window.innerWidth,
    backquotes: body ? body.innerText.split("`").length - 1 : 0,
  });
  if (body) {
    const pre = document.createElement("pre");
    pre.id = "probe";
    pre.textContent = result;
    body.appendChild(pre);
  } else {
    svg.setAttribute("data-probe", result);
  }
});
