// chimevoice console: progressive enhancement only; every page works without it.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // "Select every number on this page" in the inventory.
  var all = document.getElementById("select-all");
  if (all) {
    var boxes = document.querySelectorAll('#selection input[name="number"]');
    if (boxes.length > 0) {
      all.hidden = false;
      all.addEventListener("change", function () {
        boxes.forEach(function (b) { b.checked = all.checked; });
      });
    }
  }
});
