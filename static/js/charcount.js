// Live character count for the comment text. Without JavaScript the field's hint states the limit.
(function () {
  var field = document.getElementById("text");
  var output = document.getElementById("text-count");
  if (!field || !output) return;
  var limit = parseInt(output.getAttribute("data-limit"), 10);
  var ja = document.documentElement.lang === "ja";
  var timer = null;
  function update() {
    var count = Array.from(field.value).length;
    var left = limit - count;
    output.textContent = ja
      ? (left >= 0 ? count + "文字(あと" + left + "文字)" : count + "文字(" + (-left) + "文字多すぎます)")
      : (left >= 0 ? count + " characters (" + left + " left)" : count + " characters (" + (-left) + " too many)");
    output.classList.toggle("over-limit", left < 0);
  }
  output.hidden = false;
  update();
  // Announce the count after typing pauses, not on every key.
  field.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(update, 600); });
})();
