// 我的任务: the report form posts to the chosen task's report URL (data-base holds the URL of task 0).
(function () {
  var form = document.getElementById("workspace-report"), select = document.getElementById("report-task");
  if (!form || !select) { return; }
  function update() { form.action = form.getAttribute("data-base").replace("/0/", "/" + select.value + "/"); }
  select.addEventListener("change", update);
  update();
})();
