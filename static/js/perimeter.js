// The "add" buttons of the perimeter search append their code to the codes field; the
// page gives the word a pressed button shows ("perimeter-words").
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-perimeter-code]");
  if (!button) { return; }
  var field = document.getElementById("id_perimeter_codes");
  var codes = field.value.split(/[\s,;]+/).filter(Boolean);
  if (codes.indexOf(button.dataset.perimeterCode) === -1) {
    codes.push(button.dataset.perimeterCode);
  }
  field.value = codes.join(" ");
  button.disabled = true;
  var words = JSON.parse(document.getElementById("perimeter-words").textContent);
  button.firstChild.textContent = words.added;
});
