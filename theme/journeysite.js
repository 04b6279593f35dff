/* journeysite: a full-screen view of each journey diagram (zoom and pan), and SVG / PNG downloads.

   Progressive: without JavaScript a diagram is still the fitted, linked SVG in the page. Every
   figure.jsite-diagram gets a small toolbar; "Full screen" opens the diagram as wide as the window,
   where a drag, the wheel and the arrows pan, Ctrl+wheel, a pinch, the buttons and the keys + - zoom,
   0 (or Fit) shows it whole, and Escape closes. Works with mkdocs-material's instant navigation (document$) and without it. */
(function () {
  "use strict";

  var MIN_ZOOM = 0.2;
  var MAX_ZOOM = 8;
  var STEP = 1.25;
  var OPEN_ZOOM = 1.5;

  function button(label, action, title) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "md-button jsite-diagram-button";
    b.textContent = label;
    b.setAttribute("data-jsite-action", action);
    if (title) b.title = title;
    return b;
  }

  /* The diagram's name for a file: the figure's data-name (e.g. stage-onboarding). */
  function fileName(svg, extension) {
    var figure = svg.closest("figure.jsite-diagram");
    var name = ((figure && figure.getAttribute("data-name")) || "diagram").replace(/[^a-z0-9-]/gi, "-");
    return name + "." + extension;
  }

  /* The SVG as a standalone file: its natural size, no page styles, links left as they are. */
  function standalone(svg) {
    var copy = svg.cloneNode(true);
    copy.removeAttribute("style");
    copy.setAttribute("xmlns", "http://www.w3.org/2000/svg");
    copy.setAttribute("xmlns:xlink", "http://www.w3.org/1999/xlink");
    var size = naturalSize(svg);
    copy.setAttribute("width", String(size.width));
    copy.setAttribute("height", String(size.height));
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(copy);
  }

  /* Width and height in CSS pixels the diagram was drawn at (its viewBox is in points). */
  function naturalSize(svg) {
    var box = svg.viewBox && svg.viewBox.baseVal;
    if (box && box.width) return { width: Math.round(box.width * 4 / 3), height: Math.round(box.height * 4 / 3) };
    var r = svg.getBoundingClientRect();
    return { width: Math.round(r.width) || 800, height: Math.round(r.height) || 600 };
  }

  function save(blob, name) {
    var url = URL.createObjectURL(blob);
    var a = document.createElement("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }

  function downloadSvg(svg) {
    save(new Blob([standalone(svg)], { type: "image/svg+xml" }), fileName(svg, "svg"));
  }

  /* A PNG at twice the natural size (sharp on a slide), on white: the diagram's ground is transparent. */
  function downloadPng(svg) {
    var size = naturalSize(svg);
    var scale = 2;
    var image = new Image();
    var url = URL.createObjectURL(new Blob([standalone(svg)], { type: "image/svg+xml" }));
    image.onload = function () {
      var canvas = document.createElement("canvas");
      canvas.width = size.width * scale;
      canvas.height = size.height * scale;
      var ctx = canvas.getContext("2d");
      ctx.fillStyle = "#ffffff";
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
      URL.revokeObjectURL(url);
      canvas.toBlob(function (blob) { if (blob) save(blob, fileName(svg, "png")); }, "image/png");
    };
    image.src = url;
  }

  /* ---- The full-screen viewer ------------------------------------------------------------- */

  function openViewer(figure, svg) {
    var opener = document.activeElement;
    var title = svg.getAttribute("aria-label") || "Diagram";
    var size = naturalSize(svg);

    var viewer = document.createElement("div");
    viewer.className = "jsite-viewer";
    viewer.setAttribute("role", "dialog");
    viewer.setAttribute("aria-modal", "true");
    viewer.setAttribute("aria-label", title + " (full screen)");

    var bar = document.createElement("div");
    bar.className = "jsite-viewer-bar";
    var heading = document.createElement("span");
    heading.className = "jsite-viewer-title";
    heading.textContent = title;
    bar.appendChild(heading);
    [["+", "zoom-in", "Zoom in (+)"], ["\u2212", "zoom-out", "Zoom out (\u2212)"], ["Fit", "fit", "Fit to the window (0)"],
     ["SVG", "svg", "Download SVG"], ["PNG", "png", "Download PNG"], ["Close", "close", "Close (Esc)"]]
      .forEach(function (b) { bar.appendChild(button(b[0], b[1], b[2])); });

    var stage = document.createElement("div");
    stage.className = "jsite-viewer-stage";
    var copy = svg.cloneNode(true);
    copy.removeAttribute("style");
    copy.removeAttribute("id");
    copy.querySelectorAll("[id]").forEach(function (e) { e.removeAttribute("id"); });
    copy.setAttribute("width", String(size.width));
    copy.setAttribute("height", String(size.height));
    copy.classList.add("jsite-viewer-svg");
    stage.appendChild(copy);
    viewer.appendChild(bar);
    viewer.appendChild(stage);
    document.body.appendChild(viewer);
    document.documentElement.classList.add("jsite-viewer-open");

    var view = { scale: 1, x: 0, y: 0 };
    function apply() {
      copy.style.transform = "translate(" + view.x + "px," + view.y + "px) scale(" + view.scale + ")";
      viewer.setAttribute("data-zoom", view.scale.toFixed(3));
    }
    /* The whole diagram in the window (the Fit button, the key 0). */
    function fit() {
      var w = stage.clientWidth, h = stage.clientHeight;
      view.scale = Math.min(w / size.width, h / size.height, MAX_ZOOM);
      view.x = (w - size.width * view.scale) / 2;
      view.y = (h - size.height * view.scale) / 2;
      apply();
    }
    /* How it opens: as wide as the window (at most OPEN_ZOOM times its size, so labels stay at a
       reading size on a projector), from the top; a tall diagram is then read by scrolling down. */
    function open() {
      var w = stage.clientWidth, h = stage.clientHeight;
      view.scale = Math.min(w / size.width, OPEN_ZOOM);
      view.x = (w - size.width * view.scale) / 2;
      view.y = Math.max(0, (h - size.height * view.scale) / 2);
      apply();
    }
    /* Zoom by factor around a point of the stage (its centre by default): that point stays put. */
    function zoom(factor, cx, cy) {
      if (cx === undefined) { cx = stage.clientWidth / 2; cy = stage.clientHeight / 2; }
      var next = Math.max(MIN_ZOOM, Math.min(MAX_ZOOM, view.scale * factor));
      var k = next / view.scale;
      view.x = cx - (cx - view.x) * k;
      view.y = cy - (cy - view.y) * k;
      view.scale = next;
      apply();
    }
    function pan(dx, dy) { view.x += dx; view.y += dy; apply(); }

    function close() {
      window.removeEventListener("resize", open);
      document.removeEventListener("keydown", onKey, true);
      viewer.remove();
      document.documentElement.classList.remove("jsite-viewer-open");
      if (opener && opener.focus) opener.focus();
    }
    function onKey(event) {
      var keys = {
        "Escape": close, "+": function () { zoom(STEP); }, "=": function () { zoom(STEP); },
        "-": function () { zoom(1 / STEP); }, "0": fit,
        "ArrowLeft": function () { pan(60, 0); }, "ArrowRight": function () { pan(-60, 0); },
        "ArrowUp": function () { pan(0, 60); }, "ArrowDown": function () { pan(0, -60); }
      };
      var act = keys[event.key];
      if (act && !event.ctrlKey && !event.metaKey && !event.altKey) {
        event.preventDefault();
        event.stopPropagation();
        act();
      } else if (event.key === "Tab") {  /* keep the focus inside the dialog */
        var items = viewer.querySelectorAll("button, a[href]");
        var first = items[0], last = items[items.length - 1];
        if (event.shiftKey && document.activeElement === first) { event.preventDefault(); last.focus(); }
        else if (!event.shiftKey && document.activeElement === last) { event.preventDefault(); first.focus(); }
      }
    }

    bar.addEventListener("click", function (event) {
      var target = event.target.closest("[data-jsite-action]");
      if (!target) return;
      var action = target.getAttribute("data-jsite-action");
      if (action === "zoom-in") zoom(STEP);
      else if (action === "zoom-out") zoom(1 / STEP);
      else if (action === "fit") fit();
      else if (action === "svg") downloadSvg(svg);
      else if (action === "png") downloadPng(svg);
      else if (action === "close") close();
    });
    /* The wheel scrolls the diagram; with Ctrl or Cmd (and a touchpad's pinch, which sends it) it zooms. */
    stage.addEventListener("wheel", function (event) {
      event.preventDefault();
      if (event.ctrlKey || event.metaKey) {
        var r = stage.getBoundingClientRect();
        zoom(event.deltaY < 0 ? STEP : 1 / STEP, event.clientX - r.left, event.clientY - r.top);
      } else {
        pan(-event.deltaX, -event.deltaY);
      }
    }, { passive: false });

    /* Drag to pan, two fingers to pinch; a drag is not a click on a node's link. */
    var pointers = {};
    var moved = 0;
    var pinch = null;
    stage.addEventListener("pointerdown", function (event) {
      pointers[event.pointerId] = { x: event.clientX, y: event.clientY };
      moved = 0;
      if (Object.keys(pointers).length === 2) pinch = null;
    });
    stage.addEventListener("pointermove", function (event) {
      var last = pointers[event.pointerId];
      if (!last) return;
      var ids = Object.keys(pointers);
      if (ids.length === 1) {
        var dx = event.clientX - last.x, dy = event.clientY - last.y;
        moved += Math.abs(dx) + Math.abs(dy);
        if (moved > 4) {
          if (!stage.hasPointerCapture(event.pointerId)) stage.setPointerCapture(event.pointerId);
          pan(dx, dy);
        }
      } else if (ids.length === 2) {
        pointers[event.pointerId] = { x: event.clientX, y: event.clientY };
        var a = pointers[ids[0]], b = pointers[ids[1]];
        var distance = Math.hypot(a.x - b.x, a.y - b.y);
        var r = stage.getBoundingClientRect();
        if (pinch) zoom(distance / pinch, (a.x + b.x) / 2 - r.left, (a.y + b.y) / 2 - r.top);
        pinch = distance;
        moved = 100;
        return;
      }
      pointers[event.pointerId] = { x: event.clientX, y: event.clientY };
    });
    function up(event) {
      delete pointers[event.pointerId];
      if (Object.keys(pointers).length < 2) pinch = null;
    }
    stage.addEventListener("pointerup", up);
    stage.addEventListener("pointercancel", up);
    stage.addEventListener("click", function (event) {
      if (moved > 4) { event.preventDefault(); event.stopPropagation(); }
    }, true);

    window.addEventListener("resize", open);
    document.addEventListener("keydown", onKey, true);
    open();
    bar.querySelector('[data-jsite-action="close"]').focus();
  }

  /* ---- Each diagram's toolbar --------------------------------------------------------------- */

  function enhance(root) {
    (root || document).querySelectorAll("figure.jsite-diagram").forEach(function (figure) {
      var svg = figure.querySelector(".jsite-diagram-canvas svg");
      if (!svg || figure.querySelector(".jsite-diagram-tools")) return;
      var tools = document.createElement("div");
      tools.className = "jsite-diagram-tools";
      tools.appendChild(button("Full screen", "open", "Open the diagram full screen, to zoom and pan"));
      tools.appendChild(button("Download SVG", "svg", "The diagram as an SVG file"));
      tools.appendChild(button("Download PNG", "png", "The diagram as a PNG picture, for a slide"));
      tools.addEventListener("click", function (event) {
        var target = event.target.closest("[data-jsite-action]");
        if (!target) return;
        var action = target.getAttribute("data-jsite-action");
        if (action === "open") openViewer(figure, svg);
        else if (action === "svg") downloadSvg(svg);
        else if (action === "png") downloadPng(svg);
      });
      figure.insertBefore(tools, figure.firstChild);
    });
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(function () { enhance(document); });
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  } else {
    enhance(document);
  }
})();
