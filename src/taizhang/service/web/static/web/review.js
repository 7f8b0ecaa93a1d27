// Review screen: clicking a task card scrolls the source text to its span and highlights it (no libraries).
(function () {
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
