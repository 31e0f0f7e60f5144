// Focal-point picker for the photo admin: click the subject in the preview and
// the focal_x / focal_y fields take the click's position (0..1 of the width and
// height). Loaded as a file because the CSP forbids inline script.
"use strict";
(function () {
  function round(value) {
    return Math.min(1, Math.max(0, Math.round(value * 1000) / 1000));
  }

  function setUp(picker) {
    const image = picker.querySelector("img");
    const marker = picker.querySelector(".focal-marker");
    const inputX = document.getElementById(picker.dataset.inputX);
    const inputY = document.getElementById(picker.dataset.inputY);
    if (!image || !marker || !inputX || !inputY) {
      return;
    }
    function place() {
      const x = parseFloat(inputX.value);
      const y = parseFloat(inputY.value);
      if (!Number.isNaN(x) && !Number.isNaN(y)) {
        marker.style.left = round(x) * 100 + "%";
        marker.style.top = round(y) * 100 + "%";
      }
    }
    image.addEventListener("click", function (event) {
      const box = image.getBoundingClientRect();
      inputX.value = round((event.clientX - box.left) / box.width);
      inputY.value = round((event.clientY - box.top) / box.height);
      place();
    });
    inputX.addEventListener("input", place);
    inputY.addEventListener("input", place);
    place();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-focal-picker]").forEach(setUp);
  });
})();
