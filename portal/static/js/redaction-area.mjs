// Drawing a redaction box on a page picture (staff). The box is kept in the form's hidden
// field as fractions of the picture: left,top,right,bottom from its top left. Without
// JavaScript, or without a pointer, staff pick the page's lines from the list instead.
for (const area of document.querySelectorAll(".portal-area")) {
  const input = document.getElementById(area.dataset.areaInput);
  const picture = area.querySelector("img");
  const box = document.createElement("div");
  box.className = "portal-area__box";
  box.hidden = true;
  area.append(box);
  let start = null;

  const at = (event) => {
    const rect = picture.getBoundingClientRect();
    const clamp = (value) => Math.min(Math.max(value, 0), 1);
    return [
      clamp((event.clientX - rect.left) / rect.width),
      clamp((event.clientY - rect.top) / rect.height),
    ];
  };
  const show = (a, b) => {
    const [left, right] = [Math.min(a[0], b[0]), Math.max(a[0], b[0])];
    const [top, bottom] = [Math.min(a[1], b[1]), Math.max(a[1], b[1])];
    Object.assign(box.style, {
      left: `${left * 100}%`,
      top: `${top * 100}%`,
      width: `${(right - left) * 100}%`,
      height: `${(bottom - top) * 100}%`,
    });
    box.hidden = false;
    input.value = [left, top, right, bottom].map((n) => n.toFixed(4)).join(",");
  };

  area.addEventListener("pointerdown", (event) => {
    event.preventDefault();
    start = at(event);
    area.setPointerCapture(event.pointerId);
  });
  area.addEventListener("pointermove", (event) => {
    if (start) show(start, at(event));
  });
  area.addEventListener("pointerup", (event) => {
    if (start) show(start, at(event));
    start = null;
  });
}
