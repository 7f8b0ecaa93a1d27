// Review screen: clicking a task card scrolls the source text to its span and highlights it; a card's merge
// list offers every other draft task of the document once the card's form is opened (no libraries).
(function () {
  // The page lists the draft tasks once (<template id="merge-choices">); a card's <select> is filled from it
  // when first opened, keeping the option the server selected (the neighbour).
  function fillMergeChoices(select) {
    var tpl = document.getElementById("merge-choices");
    if (!tpl || select.dataset.filled) return;
    var own = select.getAttribute("data-task"), chosen = select.value;
    var opts = tpl.content.querySelectorAll("option");
    select.textContent = "";
    opts.forEach(function (o) {
      if (o.getAttribute("data-task") === own) return;
      var copy = o.cloneNode(true);
      copy.selected = copy.value === chosen;
      select.appendChild(copy);
    });
    select.dataset.filled = "1";
  }
  document.addEventListener("toggle", function (ev) {
    if (ev.target.tagName === "DETAILS" && ev.target.open) {
      ev.target.querySelectorAll("select.merge-choice").forEach(fillMergeChoices);
    }
  }, true);

  function select(id) {
    document.querySelectorAll("mark.hl").forEach(function (m) { m.classList.remove("hl"); });
    document.querySelectorAll(".task-card.selected").forEach(function (c) { c.classList.remove("selected"); });
    var marks = document.querySelectorAll('mark[data-task="' + id + '"]');
    marks.forEach(function (m) { m.classList.add("hl"); });
    var card = document.getElementById("task-" + id);
    if (card) card.classList.add("selected");
    if (marks.length) marks[0].scrollIntoView({ block: "center", behavior: "smooth" });
  }
  document.addEventListener("click", function (ev) {
    var head = ev.target.closest("[data-select-task]");
    if (head) { select(head.getAttribute("data-select-task")); return; }
    var mark = ev.target.closest("mark[data-task]");
    if (mark) {
      var id = mark.getAttribute("data-task");
      select(id);
      var card = document.getElementById("task-" + id);
      if (card) card.scrollIntoView({ block: "center", behavior: "smooth" });
    }
  });
})();
