// Live character count for the comment text. Without JavaScript the field's hint states the limit.
// The wording comes from the page (data-text-left, data-text-over: translated in the template).
(function () {
  var field = document.getElementById("text");
  var output = document.getElementById("text-count");
  if (!field || !output) return;
  var limit = parseInt(output.getAttribute("data-limit"), 10);
  var timer = null;
  function fill(name, values) {
    return output.getAttribute(name).replace(/\{(\w+)\}/g, function (all, key) { return values[key]; });
  }
  function update() {
    var count = Array.from(field.value).length;
    var left = limit - count;
    output.textContent = left >= 0
      ? fill("data-text-left", { count: count, left: left })
      : fill("data-text-over", { count: count, over: -left });
    output.classList.toggle("over-limit", left < 0);
  }
  output.hidden = false;
  update();
  // Announce the count after typing pauses, not on every key.
  field.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(update, 600); });
})();
