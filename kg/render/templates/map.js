/* The map's behaviour. Document-derived text is only ever set with textContent. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var views = {
    full: { nodes: new vis.DataSet(data.full.nodes), edges: new vis.DataSet(data.full.edges) },
    company: { nodes: new vis.DataSet(data.company.nodes), edges: new vis.DataSet(data.company.edges) }
  };
  var current = data.initialView;
  var container = document.getElementById("kg-network");
  var network = new vis.Network(container, views[current], data.options);
  var $ = function (id) { return document.getElementById(id); };
  var controls = ["kg-agreement-type", "kg-clause-type", "kg-asof-on", "kg-asof-range", "kg-asof-date"];
  var DAY = 86400000;

  window.kgMap = { network: network, views: views, drawn: false, view: function () { return current; } };
  network.once("afterDrawing", function () {
    window.kgMap.drawn = true;
    document.body.setAttribute("data-kg-drawn", "true");
  });

  if (data.notice) { $("kg-notice").textContent = data.notice; $("kg-notice").hidden = false; }

  // --- controls filled from the data (textContent / option values only) ----------
  function fillSelect(id, values) {
    var select = $(id);
    values.forEach(function (v) { var o = document.createElement("option"); o.value = v; o.textContent = v; select.appendChild(o); });
  }
  function unique(list) { return list.filter(function (v, i) { return v && list.indexOf(v) === i; }).sort(); }
  var agreementTypes = [], clauseTypes = [], dates = [];
  data.full.nodes.forEach(function (n) {
    agreementTypes = agreementTypes.concat(n.kg.agreement_types);
    if (n.kg.clause_type) clauseTypes.push(n.kg.clause_type);
    [n.kg.start, n.kg.until, n.kg.ended].forEach(function (d) { if (d) dates.push(d); });
  });
  fillSelect("kg-agreement-type", unique(agreementTypes));
  fillSelect("kg-clause-type", unique(clauseTypes));
  data.company.nodes.slice().sort(function (a, b) { return a.fullLabel < b.fullLabel ? -1 : 1; }).forEach(function (n) {
    var o = document.createElement("option"); o.value = n.fullLabel; $("kg-company-list").appendChild(o);
  });

  // --- as-of date: the range counts days from the earliest date in the graph -------
  dates = unique(dates);
  var first = dates.length ? Date.parse(dates[0]) - 365 * DAY : Date.parse("2000-01-01");
  var last = dates.length ? Date.parse(dates[dates.length - 1]) + 365 * DAY : first + DAY;
  $("kg-asof-range").max = String(Math.round((last - first) / DAY));
  $("kg-asof-range").value = $("kg-asof-range").max;
  function isoOf(days) { return new Date(first + days * DAY).toISOString().slice(0, 10); }
  $("kg-asof-date").value = isoOf(Number($("kg-asof-range").value));

  // The bounds come computed with the page (kg.lineage.validity, the rule kg timeline and
  // the terms-in-force query use): this only compares the day with them. A term whose
  // start is unknown stays visible, marked, as the timeline lists it apart.
  function inForce(kg, day) {
    if (!day) return true;
    if (!kg.binding) return false;
    if (kg.until && day > kg.until) return false;
    if (kg.ended && day >= kg.ended) return false;
    return kg.undated || day >= kg.start;
  }

  function applyFilters() {
    var aType = $("kg-agreement-type").value, cType = $("kg-clause-type").value;
    var day = $("kg-asof-on").checked ? $("kg-asof-date").value : null;
    var nodes = views.full.nodes, hidden = {}, otherType = {}, nodeUpdates = [], edgeUpdates = [];
    nodes.forEach(function (n) {
      if (n.kg.kind === "agreement") {
        otherType[n.id] = aType !== "" && n.kg.agreement_types.indexOf(aType) < 0;
        hidden[n.id] = otherType[n.id] || !inForce(n.kg, day);
      }
    });
    nodes.forEach(function (n) {
      if (n.kg.kind === "clause") {
        // a clause goes with an agreement of another type; its own period decides the rest
        var orphaned = n.kg.parents.length > 0 && n.kg.parents.every(function (p) { return otherType[p]; });
        hidden[n.id] = orphaned || !inForce(n.kg, day) || (cType !== "" && n.kg.clause_type !== cType);
      } else if (n.kg.kind !== "agreement") {
        hidden[n.id] = false;
      }
      if (Boolean(n.hidden) !== hidden[n.id]) nodeUpdates.push({ id: n.id, hidden: hidden[n.id] });
    });
    views.full.edges.forEach(function (e) {
      var h = Boolean(hidden[e.from] || hidden[e.to]);
      if (Boolean(e.hidden) !== h) edgeUpdates.push({ id: e.id, hidden: h });
    });
    nodes.update(nodeUpdates);
    views.full.edges.update(edgeUpdates);
  }
  window.kgMap.applyFilters = applyFilters;

  $("kg-agreement-type").addEventListener("change", applyFilters);
  $("kg-clause-type").addEventListener("change", applyFilters);
  $("kg-asof-on").addEventListener("change", function () {
    $("kg-asof-range").disabled = $("kg-asof-date").disabled = !$("kg-asof-on").checked;
    applyFilters();
  });
  $("kg-asof-range").addEventListener("input", function () {
    $("kg-asof-date").value = isoOf(Number($("kg-asof-range").value));
    applyFilters();
  });
  $("kg-asof-date").addEventListener("change", function () {
    var t = Date.parse($("kg-asof-date").value);
    if (!isNaN(t)) $("kg-asof-range").value = String(Math.round((t - first) / DAY));
    applyFilters();
  });

  // --- details panel --------------------------------------------------------------
  function el(tag, text, cls) { var e = document.createElement(tag); if (text !== undefined) e.textContent = String(text); if (cls) e.className = cls; return e; }
  function row(dl, name, value) {
    if (value === null || value === undefined || value === "" || (Array.isArray(value) && !value.length)) return;
    dl.appendChild(el("dt", name));
    dl.appendChild(el("dd", Array.isArray(value) ? value.join("; ") : value));
  }
  var NAMES = {
    announcedOn: "Announced", signedOn: "Signed", effectiveFrom: "Effective from", expiresOn: "Expires",
    validFrom: "Valid from", validUntil: "Valid until", scope: "Scope", percentage: "Percentage",
    isExclusive: "Exclusive", isNegated: "Negated", obligor: "Obligor", beneficiary: "Beneficiary",
    mentionedInPassing: "Mentioned in passing", dateInferredFromDocument: "Date inferred from article"
  };
  function named(key) { return Object.prototype.hasOwnProperty.call(NAMES, key) ? NAMES[key] : key; }
  function safeHref(url) { return typeof url === "string" && /^https?:\/\/[^\s]+$/i.test(url) ? url : null; }

  function showNode(id) {
    var n = views[current].nodes.get(id);
    if (!n) return;
    var kg = n.kg, box = $("kg-details");
    box.textContent = "";
    box.appendChild(el("h2", n.fullLabel));
    var dl = el("dl");
    row(dl, "Type", kg.types);
    row(dl, "Also called", kg.alt_labels);
    row(dl, "Deals", kg.kind === "organization" ? kg.deals : null);
    row(dl, "Status", kg.status);
    row(dl, "Agreement type", kg.agreement_types);
    row(dl, "Clause type", kg.clause_type);
    Object.keys(kg.dates).sort().forEach(function (k) { row(dl, named(k), kg.dates[k].text + " (" + kg.dates[k].precision + ")"); });
    if (kg.kind === "agreement" || kg.kind === "clause") {
      row(dl, "In force", kg.undated ? "undated" : (kg.start || "?") + (kg.startInferred ? " (article date)" : "") + " – " + (kg.until || "open"));
      if (!kg.binding) row(dl, "Binding", "no: never in force");
      row(dl, "Superseded or ended on", kg.ended);
    }
    row(dl, "Amounts", kg.amounts);
    Object.keys(kg.values).sort().forEach(function (k) { row(dl, named(k), kg.values[k]); });
    Object.keys(kg.flags).sort().forEach(function (k) { row(dl, named(k), kg.flags[k] ? "yes" : "no"); });
    box.appendChild(dl);
    if (kg.evidence.length) {
      box.appendChild(el("h2", "Evidence"));
      kg.evidence.forEach(function (ev) {
        if (ev.quote) box.appendChild(el("blockquote", ev.quote));
        var src = el("p", undefined, "kg-source"), href = safeHref(ev.url);
        if (href) {
          var a = el("a", ev.title || href); a.href = href; a.target = "_blank"; a.rel = "noopener noreferrer";
          src.appendChild(a);
        } else if (ev.title || ev.refused) {
          src.appendChild(el("span", ev.title || ""));
          if (ev.refused) src.appendChild(el("span", " (link not shown: not an http(s) URL)", "kg-refused"));
        }
        box.appendChild(src);
      });
    }
  }

  function showEdge(id) {
    var e = views[current].edges.get(id);
    if (!e || !e.agreements) return;
    var box = $("kg-details"), full = views.full.nodes;
    box.textContent = "";
    box.appendChild(el("h2", views.company.nodes.get(e.from).fullLabel + " — " + views.company.nodes.get(e.to).fullLabel));
    var ul = el("ul");
    e.agreements.forEach(function (a) { var n = full.get(a); ul.appendChild(el("li", n ? n.fullLabel : a)); });
    box.appendChild(ul);
  }

  network.on("click", function (p) {
    if (p.nodes.length) showNode(p.nodes[0]); else if (p.edges.length) showEdge(p.edges[0]);
  });
  network.on("hoverNode", function (p) { showNode(p.node); });

  // --- search -----------------------------------------------------------------------
  function search() {
    var q = $("kg-search").value.trim().toLowerCase();
    if (!q) return;
    var nodes = views[current].nodes.get({ filter: function (n) { return n.kg.kind === "organization"; } });
    var hit = nodes.filter(function (n) { return n.fullLabel.toLowerCase() === q; })[0] ||
      nodes.filter(function (n) { return n.fullLabel.toLowerCase().indexOf(q) === 0; })[0] ||
      nodes.filter(function (n) { return n.fullLabel.toLowerCase().indexOf(q) >= 0; })[0];
    if (!hit) return;
    network.selectNodes([hit.id]);
    network.focus(hit.id, { scale: 1.2, animation: false });
    showNode(hit.id);
  }
  $("kg-search").addEventListener("change", search);
  $("kg-search").addEventListener("keydown", function (ev) { if (ev.key === "Enter") search(); });

  // --- view toggle --------------------------------------------------------------------
  function syncControls(view) {
    $("kg-toggle").textContent = view === "full" ? "Company view" : "Full graph";
    controls.forEach(function (id) {
      $(id).disabled = view !== "full" || ((id === "kg-asof-range" || id === "kg-asof-date") && !$("kg-asof-on").checked);
    });
  }
  function setView(view) {
    current = view;
    network.setData(views[view]);
    syncControls(view);
    var hint = el("p", "Click or hover a node to see its details and sources.", "kg-hint");
    $("kg-details").textContent = "";
    $("kg-details").appendChild(hint);
  }
  window.kgMap.setView = setView;
  $("kg-toggle").addEventListener("click", function () { setView(current === "full" ? "company" : "full"); });
  syncControls(current);
}());
