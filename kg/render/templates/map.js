/* The map's behaviour. Document-derived text is only ever set with textContent. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var $ = function (id) { return document.getElementById(id); };
  var DAY = 86400000;
  var views = {
    full: { nodes: new vis.DataSet(data.full.nodes), edges: new vis.DataSet(data.full.edges) },
    company: { nodes: new vis.DataSet(data.company.nodes), edges: new vis.DataSet(data.company.edges) }
  };
  if (data.clusters) {
    views.clusters = { nodes: new vis.DataSet(data.clusters.nodes), edges: new vis.DataSet(data.clusters.edges) };
  }
  var current = data.initialView;
  var container = $("kg-network");
  var network = new vis.Network(container, views[current], data.options);
  // vis-network's own frame takes the keyboard (tab stop, arrows pan, = and - zoom)
  var frame = container.querySelector(".vis-network");
  if (frame) { frame.setAttribute("role", "application"); frame.setAttribute("aria-label", "Relationship map: arrow keys pan, = and - zoom, Escape clears"); }
  var controls = ["kg-agreement-type", "kg-clause-type", "kg-show-clauses"];

  window.kgMap = { network: network, views: views, drawn: false, view: function () { return current; } };
  network.once("afterDrawing", function () {
    window.kgMap.drawn = true;
    document.body.setAttribute("data-kg-drawn", "true");
  });
  if (data.notice) { $("kg-notice").textContent = data.notice; $("kg-notice").hidden = false; }

  function el(tag, text, cls) { var e = document.createElement(tag); if (text !== undefined && text !== null) e.textContent = String(text); if (cls) e.className = cls; return e; }
  function plural(n, one, many) { return n.toLocaleString("en") + " " + (n === 1 ? one : many); }
  function unique(list) { return list.filter(function (v, i) { return v && list.indexOf(v) === i; }).sort(); }
  var HINT = "Click a company or an agreement to see its deals, terms and sources.";

  // --- header: name, counts, legend --------------------------------------------------
  var c = data.counts;
  $("kg-counts").textContent = [plural(c.companies, "company", "companies"), plural(c.agreements, "agreement", "agreements"),
    plural(c.clauses, "clause", "clauses")].concat(c.products ? [plural(c.products, "product", "products")] : []).join(" · ");
  function isolatedText() {
    var parts = [];
    if (c.hiddenOrganizations) parts.push(plural(c.hiddenOrganizations, "organisation", "organisations") + " without deals");
    if (c.hiddenProducts) parts.push(plural(c.hiddenProducts, "product", "products") + " without an owner");
    return parts.join(" and ") + ($("kg-show-isolated").checked ? " shown" : " hidden");
  }
  if (!c.hiddenOrganizations && !c.hiddenProducts) $("kg-show-isolated").parentNode.hidden = true;
  $("kg-isolated-text").textContent = isolatedText();
  if (!c.clauses) $("kg-show-clauses").parentNode.hidden = true;
  function drawLegend(view) {
    var list = $("kg-legend-list");
    list.textContent = "";
    data.legend.forEach(function (item) {
      if (item.views.indexOf(view) < 0) return;
      var li = el("li"), sym;
      if (item.line) {
        sym = el("span", undefined, "kg-line" + (item.dashed ? " kg-dashed" : ""));
        sym.style.borderTopColor = item.line;
      } else {
        sym = el("span", undefined, "kg-sym kg-" + item.shape + (item.dashed ? " kg-dashed" : ""));
        sym.style.background = item.fill; sym.style.borderColor = item.border;
      }
      li.appendChild(sym); li.appendChild(el("span", item.text));
      list.appendChild(li);
    });
  }
  drawLegend(current);

  // --- filters filled from the data --------------------------------------------------
  function fillSelect(id, values) {
    values.forEach(function (v) { var o = document.createElement("option"); o.value = v; o.textContent = v; $(id).appendChild(o); });
  }
  var agreementTypes = [], clauseTypes = [];
  data.full.nodes.forEach(function (n) {
    agreementTypes = agreementTypes.concat(n.kg.agreement_types);
    if (n.kg.clause_type) clauseTypes.push(n.kg.clause_type);
    if ((n.kg.kind === "organization" && !n.kg.extra) || n.kg.kind === "agreement") {
      var o = document.createElement("option"); o.value = n.fullLabel; $("kg-company-list").appendChild(o);
    }
  });
  fillSelect("kg-agreement-type", unique(agreementTypes));
  fillSelect("kg-clause-type", unique(clauseTypes));

  // --- "in force on": each term comes with the days it is in force, [first, stop),
  // computed by kg.lineage.validity (in_force_interval, the rule kg timeline and the
  // terms-in-force query use); the page only compares a day with them. A term whose
  // start is unknown has no first day: it stays visible, marked, as the timeline lists it.
  function inForce(kg, day) {
    if (!day) return true;
    var days = kg.inForce;
    return Boolean(days) && (!days[0] || day >= days[0]) && (!days[1] || day < days[1]);
  }
  function asOfDay() { return $("kg-asof-on").checked ? $("kg-asof-date").value : null; }
  var marks = {};

  function applyFilters() {
    var aType = $("kg-agreement-type").value, cType = $("kg-clause-type").value, day = asOfDay();
    var showClauses = $("kg-show-clauses").checked, showIsolated = $("kg-show-isolated").checked;
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
        hidden[n.id] = !showClauses || orphaned || !inForce(n.kg, day) || (cType !== "" && n.kg.clause_type !== cType);
      } else if (n.kg.kind !== "agreement") {
        hidden[n.id] = n.kg.extra === "isolated" && !showIsolated;
      }
      // an undated term stays on the map on any day, faded: its start is unknown
      var opacity = day && n.kg.undated && n.kg.kind !== "organization" ? 0.35 : 1;
      if (Boolean(n.hidden) !== hidden[n.id] || (n.opacity || 1) !== opacity) {
        nodeUpdates.push({ id: n.id, hidden: hidden[n.id], opacity: opacity });
      }
    });
    views.full.edges.forEach(function (e) {
      var h = Boolean(hidden[e.from] || hidden[e.to]);
      if (Boolean(e.hidden) !== h) edgeUpdates.push({ id: e.id, hidden: h });
    });
    nodes.update(nodeUpdates);
    views.full.edges.update(edgeUpdates);
    var companyNodes = [], companyEdges = [];
    views.company.nodes.forEach(function (n) {
      var h = n.kg.extra === "isolated" && !showIsolated;
      if (Boolean(n.hidden) !== h) companyNodes.push({ id: n.id, hidden: h });
    });
    views.company.edges.forEach(function (e) {
      var h = Boolean(hidden[e.agreement]);
      if (Boolean(e.hidden) !== h) companyEdges.push({ id: e.id, hidden: h });
    });
    views.company.nodes.update(companyNodes);
    views.company.edges.update(companyEdges);
    markTimeline(day);
    $("kg-isolated-text").textContent = isolatedText();
  }
  window.kgMap.applyFilters = applyFilters;
  ["kg-agreement-type", "kg-clause-type", "kg-show-clauses", "kg-show-isolated"].forEach(function (id) {
    $(id).addEventListener("change", applyFilters);
  });

  // --- the time axis: agreements placed by their start (stated or inferred) ------------
  var T = data.timeline, first = T.first ? Date.parse(T.first) : 0, last = T.last ? Date.parse(T.last) : 0;
  var span = Math.max(last - first, DAY), MARKS_MAX = 400;
  function pct(iso) { return Math.min(100, Math.max(0, (Date.parse(iso) - first) / span * 100)); }
  function isoOf(days) { return new Date(first + days * DAY).toISOString().slice(0, 10); }
  function buildTimeline() {
    var strip = $("kg-strip"), rows = [];
    if (!T.items.length) { strip.appendChild(el("p", "No dated agreement to place on the time axis.", "kg-hint")); return; }
    var firstYear = new Date(first).getUTCFullYear(), lastYear = new Date(last).getUTCFullYear();
    var step = Math.max(1, Math.ceil((lastYear - firstYear + 1) / 12));
    for (var y = firstYear; y <= lastYear + 1; y += step) {
      var left = (Date.UTC(y, 0, 1) - first) / span * 100;
      if (left < 0 || left > 100) continue;
      var tick = el("div", undefined, "kg-tick"); tick.style.left = left + "%"; tick.appendChild(el("span", y)); strip.appendChild(tick);
    }
    if (T.items.length > MARKS_MAX) { buildHistogram(strip); return; }
    T.items.forEach(function (item) {
      var at = pct(item.date), level = 0;
      while (level < 4 && rows[level] !== undefined && at - rows[level] < 1.5) level++;
      if (level === 4) level = 0;
      rows[level] = at;
      var mark = el("button", undefined, "kg-mark" + (item.inferred ? " kg-inferred" : ""));
      mark.type = "button";
      mark.style.left = at + "%"; mark.style.top = (4 + level * 13) + "px";
      mark.title = item.label + " — " + item.date + (item.inferred ? " (date inferred from the article)" : " (stated)");
      mark.setAttribute("aria-label", mark.title);
      mark.setAttribute("data-id", item.id);
      mark.addEventListener("click", function () { selectAgreement(item.id); });
      strip.appendChild(mark);
      marks[item.id] = mark;
    });
    var cursor = el("div", undefined, "kg-cursor"); cursor.id = "kg-cursor"; cursor.hidden = true; strip.appendChild(cursor);
    var inferred = T.items.filter(function (i) { return i.inferred; }).length;
    $("kg-time-note").textContent = plural(T.items.length, "agreement", "agreements") + " dated" +
      (inferred ? " (" + inferred + " by the article's date: hollow)" : "") + (T.undated ? " · " + T.undated + " undated, not placed" : "");
  }
  // Too many agreements for a mark each: bars of how many start in each stretch of time,
  // stated below and inferred (hatched lighter) above.
  function buildHistogram(strip) {
    var buckets = 80, counts = [], most = 1;
    for (var b = 0; b < buckets; b++) counts.push([0, 0]);
    T.items.forEach(function (item) {
      var k = Math.min(buckets - 1, Math.floor(pct(item.date) / 100 * buckets));
      counts[k][item.inferred ? 1 : 0]++;
      most = Math.max(most, counts[k][0] + counts[k][1]);
    });
    counts.forEach(function (n, k) {
      if (!n[0] && !n[1]) return;
      [0, 1].forEach(function (inferred) {
        if (!n[inferred]) return;
        var bar = el("div", undefined, "kg-bar" + (inferred ? " kg-inferred" : ""));
        bar.style.left = (k / buckets * 100) + "%";
        bar.style.width = (100 / buckets) + "%";
        bar.style.bottom = (inferred ? n[0] / most * 50 : 0) + "px";
        bar.style.height = (n[inferred] / most * 50) + "px";
        bar.title = n[inferred] + (inferred ? " agreements dated by their article from " : " agreements from ") + isoOf(Math.round(k / buckets * span / DAY));
        strip.appendChild(bar);
      });
    });
    var cursor = el("div", undefined, "kg-cursor"); cursor.id = "kg-cursor"; cursor.hidden = true; strip.appendChild(cursor);
    $("kg-time-note").textContent = plural(T.items.length, "agreement", "agreements") + " dated, by period" + (T.undated ? " · " + T.undated + " undated" : "");
  }
  function markTimeline(day) {
    var full = views.full.nodes;
    Object.keys(marks).forEach(function (id) {
      var n = full.get(id);
      marks[id].classList.toggle("kg-out", Boolean(n && n.hidden));
    });
    var cursor = $("kg-cursor");
    if (cursor) { cursor.hidden = !day; if (day) cursor.style.left = pct(day) + "%"; }
  }
  buildTimeline();
  $("kg-asof-range").max = String(Math.max(0, Math.round((last - first) / DAY)));
  $("kg-asof-range").value = $("kg-asof-range").max;
  $("kg-asof-date").value = T.last || "";
  if (T.first) $("kg-asof-range").setAttribute("aria-valuetext", T.last);
  $("kg-asof-on").addEventListener("change", function () {
    $("kg-asof-range").disabled = $("kg-asof-date").disabled = !$("kg-asof-on").checked;
    applyFilters();
  });
  $("kg-asof-range").addEventListener("input", function () {
    $("kg-asof-date").value = isoOf(Number($("kg-asof-range").value));
    $("kg-asof-range").setAttribute("aria-valuetext", $("kg-asof-date").value);
    applyFilters();
  });
  $("kg-asof-date").addEventListener("change", function () {
    var t = Date.parse($("kg-asof-date").value);
    if (!isNaN(t)) $("kg-asof-range").value = String(Math.round((t - first) / DAY));
    applyFilters();
  });

  // --- panels -------------------------------------------------------------------------
  function row(dl, name, value) {
    if (value === null || value === undefined || value === "" || (Array.isArray(value) && !value.length)) return;
    dl.appendChild(el("dt", name));
    dl.appendChild(el("dd", Array.isArray(value) ? value.join("; ") : value));
  }
  var NAMES = {
    announcedOn: "Announced", signedOn: "Signed", effectiveFrom: "Effective from", expiresOn: "Expires",
    validFrom: "Valid from", validUntil: "Valid until", scope: "Scope", percentage: "Percentage",
    durationYears: "Duration (years)", isExclusive: "Exclusive", isNegated: "Negated", obligor: "Obligor",
    beneficiary: "Beneficiary", mentionedInPassing: "Mentioned in passing", dateInferredFromDocument: "Date inferred from article"
  };
  function named(key) { return Object.prototype.hasOwnProperty.call(NAMES, key) ? NAMES[key] : key; }
  function safeHref(url) { return typeof url === "string" && /^https?:\/\/[^\s]+$/i.test(url) ? url : null; }
  function link(text, onClick) {
    var b = el("button", text, "kg-link"); b.type = "button"; b.addEventListener("click", onClick); return b;
  }
  function panel(title) {
    var box = $("kg-details");
    box.textContent = "";
    if (title !== null) box.appendChild(el("h2", title));
    return box;
  }
  function hint() { panel(null).appendChild(el("p", HINT, "kg-hint")); }
  function period(kg) {
    if (kg.undated) return "start unknown" + (kg.until ? " – " + kg.until : "");
    return (kg.start || "?") + (kg.startInferred ? " (article date)" : "") + " – " + (kg.until || "open");
  }
  function dates(dl, kg) {
    Object.keys(kg.dates).sort().forEach(function (k) { row(dl, named(k), kg.dates[k].text + " (" + kg.dates[k].precision + ")"); });
  }
  function sources(box, evidence, heading) {
    if (!evidence.length) return;
    if (heading) box.appendChild(el("h3", heading));
    evidence.forEach(function (ev) {
      if (ev.quote) box.appendChild(el("blockquote", ev.quote));
      var src = el("p", undefined, "kg-source"), href = safeHref(ev.url);
      if (href) {
        var a = el("a", ev.title || href); a.href = href; a.target = "_blank"; a.rel = "noopener noreferrer";
        src.appendChild(a);
      } else if (ev.title) {
        src.appendChild(el("span", ev.title));
      }
      if (ev.date) src.appendChild(el("span", " · " + ev.date));
      if (href) src.appendChild(el("span", " · " + href));
      if (ev.refused) src.appendChild(el("span", " (link not shown: not an http(s) URL)", "kg-refused"));
      box.appendChild(src);
    });
  }

  function showCompany(n) {
    var kg = n.kg, full = views.full.nodes.get(n.id) || n, box = panel(n.fullLabel), dl = el("dl");
    row(dl, "Also called", kg.alt_labels);
    row(dl, "Deals", kg.deals);
    box.appendChild(dl);
    var rows = full.kg.dealRows || [];
    if (rows.length) {
      box.appendChild(el("h3", "Deals"));
      var table = el("table"), head = el("tr"), body = el("tbody"), thead = el("thead");
      ["Date", "Kind", "Counterparty", "Amount", "Status"].forEach(function (h) { head.appendChild(el("th", h)); });
      thead.appendChild(head); table.appendChild(thead);
      rows.forEach(function (r) {
        var tr = el("tr");
        tr.tabIndex = 0;
        tr.setAttribute("data-id", r.id);
        tr.setAttribute("aria-label", r.label + " with " + r.counterparty);
        tr.appendChild(el("td", (r.dateText || "undated") + (r.inferred ? "*" : "")));
        tr.appendChild(el("td", r.kind + (r.role ? " (" + r.role + ")" : "")));
        tr.appendChild(el("td", r.counterparty));
        tr.appendChild(el("td", r.amount || "—"));
        tr.appendChild(el("td", r.status || "—"));
        tr.addEventListener("click", function () { selectAgreement(r.id); });
        tr.addEventListener("keydown", function (ev) { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); selectAgreement(r.id); } });
        body.appendChild(tr);
      });
      table.appendChild(body);
      box.appendChild(table);
      if (rows.some(function (r) { return r.inferred; })) box.appendChild(el("p", "* the date of the article that reported it", "kg-hint"));
    } else {
      box.appendChild(el("p", "No deal found for this organisation.", "kg-hint"));
    }
    sources(box, kg.evidence, "Mentioned in");
  }

  function showAgreement(id) {
    var n = views.full.nodes.get(id);
    if (!n) return;
    var kg = n.kg, box = panel(n.fullLabel), dl = el("dl");
    row(dl, "Name", kg.name);
    row(dl, "Kind", kg.kindText);
    row(dl, "Form", kg.types.filter(function (t) { return t !== "Agreement"; }));
    row(dl, "Status", kg.status);
    dates(dl, kg);
    row(dl, "In force", period(kg));
    if (!kg.binding) row(dl, "Binding", "no: never in force");
    row(dl, "Superseded or ended on", kg.ended);
    row(dl, "Amounts", kg.amounts);
    Object.keys(kg.flags).sort().forEach(function (k) { row(dl, named(k), kg.flags[k] ? "yes" : "no"); });
    box.appendChild(dl);
    if (kg.parties.length) {
      box.appendChild(el("h3", "Parties"));
      var ul = el("ul", undefined, "kg-parties");
      kg.parties.forEach(function (p) {
        var li = el("li");
        li.appendChild(link(p.label, function () { selectCompany(p.id); }));
        var roles = p.roles.filter(function (r) { return r !== "party"; });
        if (roles.length) li.appendChild(el("span", " — " + roles.join(", ")));
        ul.appendChild(li);
      });
      box.appendChild(ul);
    }
    if (kg.clauses.length) {
      box.appendChild(el("h3", "Clauses (" + kg.clauses.length + ")"));
      kg.clauses.forEach(function (cl) {
        var div = el("div", undefined, "kg-clause"), cdl = el("dl");
        div.appendChild(el("strong", (cl.type || "Clause") + ": " + cl.label));
        Object.keys(cl.values).sort().forEach(function (k) { row(cdl, named(k), cl.values[k]); });
        row(cdl, "Amounts", cl.amounts);
        dates(cdl, cl);
        if (cl.until || cl.ended) row(cdl, "In force until", cl.ended ? "ended " + cl.ended : cl.until);
        div.appendChild(cdl);
        sources(div, cl.evidence);
        box.appendChild(div);
      });
    }
    if (kg.lineage.length) {
      box.appendChild(el("h3", "Related agreements"));
      var rl = el("ul");
      kg.lineage.forEach(function (l) {
        var li = el("li", l.rel + ": "); li.appendChild(link(l.label, function () { selectAgreement(l.id); })); rl.appendChild(li);
      });
      box.appendChild(rl);
    }
    sources(box, kg.evidence, "Evidence");
  }

  function showOther(n) {
    var kg = n.kg, box = panel(n.fullLabel), dl = el("dl");
    row(dl, "Type", kg.types);
    row(dl, "Also called", kg.alt_labels);
    row(dl, "Clause type", kg.clause_type);
    dates(dl, kg);
    if (kg.kind === "clause") {
      row(dl, "In force", period(kg));
      if (!kg.binding) row(dl, "Binding", "no: never in force");
      row(dl, "Superseded or ended on", kg.ended);
    }
    row(dl, "Amounts", kg.amounts);
    Object.keys(kg.values).sort().forEach(function (k) { row(dl, named(k), kg.values[k]); });
    box.appendChild(dl);
    (kg.parents || []).forEach(function (p) {
      var a = views.full.nodes.get(p);
      if (a) { var para = el("p", "Clause of "); para.appendChild(link(a.fullLabel, function () { selectAgreement(p); })); box.appendChild(para); }
    });
    sources(box, kg.evidence, "Evidence");
  }

  function showCluster(n) {
    var box = panel(n.fullLabel);
    box.appendChild(el("p", plural(n.kg.members.length, "company", "companies") + ", " + plural(n.kg.agreements.length, "agreement", "agreements") + "."));
    var ul = el("ul");
    n.kg.top.forEach(function (name) { ul.appendChild(el("li", name)); });
    box.appendChild(ul);
  }

  function showNode(id) {
    var n = views[current].nodes.get(id);
    if (!n) return;
    if (n.kg.kind === "organization") showCompany(n);
    else if (n.kg.kind === "agreement") showAgreement(id);
    else if (n.kg.kind === "cluster") showCluster(n);
    else showOther(n);
  }
  window.kgMap.showNode = showNode;

  function reveal(id) {
    // a node hidden by a toggle (an organisation without deals) is drawn when asked for
    var n = views.full.nodes.get(id);
    if (n && n.hidden && n.kg.extra === "isolated") { $("kg-show-isolated").checked = true; applyFilters(); }
  }
  function selectAgreement(id) {
    if (current === "clusters") setView("full");
    if (current === "full") {
      var n = views.full.nodes.get(id);
      if (n && !n.hidden) { network.selectNodes([id]); network.focus(id, { scale: Math.max(network.getScale(), 1), animation: false }); }
    } else {
      network.selectEdges(views.company.edges.getIds({ filter: function (e) { return e.agreement === id; } }));
    }
    Object.keys(marks).forEach(function (m) { marks[m].classList.toggle("kg-selected", m === id); });
    showAgreement(id);
  }
  function selectCompany(id) {
    if (current === "clusters") setView("full");
    reveal(id);
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 1), animation: false });
    showNode(id);
  }
  window.kgMap.selectAgreement = selectAgreement;

  function openCluster(n) {
    setView("full");
    network.fit({ nodes: n.kg.members.concat(n.kg.agreements), animation: false });
  }

  network.on("click", function (p) {
    if (p.nodes.length) {
      var n = views[current].nodes.get(p.nodes[0]);
      if (n && n.kg.kind === "cluster") { openCluster(n); showCluster(n); return; }
      showNode(p.nodes[0]);
    } else if (p.edges.length) {
      var e = views[current].edges.get(p.edges[0]);
      if (e && e.agreement) showAgreement(e.agreement);
    }
  });
  (frame || container).addEventListener("keydown", function (ev) {
    if (ev.key === "Escape") { network.unselectAll(); hint(); }
  });

  // --- search: companies (and aliases), then agreements; the match's neighbourhood ------
  function neighbourhood(id, hops) {
    var seen = {}, frontier = [id];
    seen[id] = true;
    for (var h = 0; h < hops; h++) {
      var next = [];
      frontier.forEach(function (n) {
        network.getConnectedNodes(n).forEach(function (m) {
          var node = views[current].nodes.get(m);
          if (!seen[m] && node && !node.hidden) { seen[m] = true; next.push(m); }
        });
      });
      frontier = next;
    }
    return Object.keys(seen);
  }
  function search() {
    var typed = $("kg-search").value.trim(), q = typed.toLowerCase(), status = $("kg-search-status");
    status.textContent = "";
    if (!q) return;
    if (current === "clusters") setView("full");
    var all = views.full.nodes.get({ filter: function (n) { return n.kg.kind === "organization" || n.kg.kind === "agreement"; } });
    function names(n) { return [n.fullLabel].concat(n.kg.alt_labels || []).concat(n.kg.name ? [n.kg.name] : []).map(function (s) { return String(s).toLowerCase(); }); }
    var tests = [function (s) { return s === q; }, function (s) { return s.indexOf(q) === 0; }, function (s) { return s.indexOf(q) >= 0; }];
    var hit = null, count = all.filter(function (n) { return names(n).some(tests[2]); }).length;
    for (var t = 0; t < tests.length && !hit; t++) {
      ["organization", "agreement"].some(function (kind) {
        hit = all.filter(function (n) { return n.kg.kind === kind && names(n).some(tests[t]); })[0] || null;
        return hit;
      });
    }
    if (!hit) { status.textContent = "No company or agreement matches “" + typed + "”"; return; }
    if (count > 1) status.textContent = (count - 1) + " more match" + (count > 2 ? "es" : "");
    reveal(hit.id);
    if (current === "company" && hit.kg.kind === "agreement") { selectAgreement(hit.id); return; }
    network.selectNodes([hit.id]);
    var hood = neighbourhood(hit.id, hit.kg.kind === "organization" ? 2 : 1);
    if (hood.length > 1) network.fit({ nodes: hood, animation: false });
    else network.focus(hit.id, { scale: 1.2, animation: false });
    window.kgMap.focused = hood;
    showNode(hit.id);
  }
  $("kg-search").addEventListener("change", search);
  $("kg-search").addEventListener("keydown", function (ev) { if (ev.key === "Enter") search(); });

  // --- views --------------------------------------------------------------------------
  function syncControls(view) {
    ["clusters", "full", "company"].forEach(function (v) {
      var b = $("kg-view-" + v);
      b.disabled = !views[v];
      b.setAttribute("aria-pressed", String(v === view));
    });
    controls.forEach(function (id) { $(id).disabled = view !== "full"; });
  }
  function setView(view) {
    if (!views[view] || view === current) return;
    current = view;
    network.setData(views[view]);
    syncControls(view);
    drawLegend(view);
    hint();
  }
  window.kgMap.setView = setView;
  ["clusters", "full", "company"].forEach(function (v) {
    $("kg-view-" + v).addEventListener("click", function () { setView(v); });
  });
  syncControls(current);

  // --- export PNG: the canvas as drawn, on white ----------------------------------------
  function pngDataUrl() {
    var src = container.querySelector("canvas"), out = document.createElement("canvas");
    out.width = src.width; out.height = src.height;
    var ctx = out.getContext("2d");
    ctx.fillStyle = "#ffffff"; ctx.fillRect(0, 0, out.width, out.height); ctx.drawImage(src, 0, 0);
    return out.toDataURL("image/png");
  }
  window.kgMap.pngDataUrl = pngDataUrl;
  $("kg-export").addEventListener("click", function () {
    var a = document.createElement("a");
    a.download = (data.title || "map").replace(/[^\w.-]+/g, "-").replace(/^-+|-+$/g, "").toLowerCase() + ".png";
    a.href = pngDataUrl();
    document.body.appendChild(a); a.click(); a.remove();
  });
}());
