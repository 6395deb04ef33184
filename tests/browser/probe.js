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
  // Zone boxes: where each title's text stands on screen, top to bottom as drawn.
  const zoneTitles = [...svg.querySelectorAll("g.cluster")]
    .filter((g) => g.id.startsWith("cluster_zone_"))
    .map((g) => {
      const rects = [...g.querySelectorAll("text")].map((t) => t.getBoundingClientRect());
      return {
        id: g.id,
        left: Math.min(...rects.map((r) => r.left)),
        right: Math.max(...rects.map((r) => r.right)),
        top: Math.min(...rects.map((r) => r.top)),
        bottom: Math.max(...rects.map((r) => r.bottom)),
      };
    });
  // Arrows through a zone's title (or closer than CLEAR pixels to its text): points
  // every pixel along each arrow's path.
  const CLEAR = 2;
  const crossings = [];
  for (const path of svg.querySelectorAll("g.edge path")) {
    const matrix = path.getScreenCTM();
    const length = path.getTotalLength();
    for (let at = 0; at <= length; at += 1) {
      const p = new DOMPoint(path.getPointAtLength(at).x, path.getPointAtLength(at).y)
        .matrixTransform(matrix);
      const hit = zoneTitles.find(
        (z) =>
          z.left - CLEAR <= p.x &&
          p.x <= z.right + CLEAR &&
          z.top - CLEAR <= p.y &&
          p.y <= z.bottom + CLEAR,
      );
      if (hit) {
        crossings.push([path.closest("g.edge").id, hit.id]);
        break;
      }
    }
  }
  const body = document.body;
  const result = JSON.stringify({
    smallest_label_px: heights[0],
    labels: heights.length,
    drawing_width_px: box.width,
    window_width_px: window.innerWidth,
    backquotes: body ? body.innerText.split("`").length - 1 : 0,
    zones_top_to_bottom: [...zoneTitles].sort((a, b) => a.top - b.top).map((z) => z.id),
    arrows_across_zone_titles: crossings,
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
