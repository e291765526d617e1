// Suggestions for CPV and NUTS code inputs of the challenge editor: as the officer types a word or the
// start of a code, the browser's own suggestion list (<datalist>) offers matching codes with their
// labels. An enhancement only: without JavaScript the "Find a code" page does the same.
for (const input of document.querySelectorAll("input[data-codes]")) {
  const list = document.getElementById(input.getAttribute("list"));
  let timer;
  let last = "";
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const q = input.value.trim();
      if (q.length < 2 || q === last || !list) return;
      last = q;
      const res = await fetch(`/workspace/codes/${input.dataset.codes}.json?q=${encodeURIComponent(q)}`, { credentials: "same-origin" });
      if (!res.ok || input.value.trim() !== q) return;
      const { codes } = await res.json();
      list.replaceChildren(...codes.map((c) => Object.assign(document.createElement("option"), { value: c.code, label: `${c.code} ${c.label}` })));
    }, 150);
  });
}
