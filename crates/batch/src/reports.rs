//! Reports built from a run's events: the exposure map (which files, JSON paths and CSV
//! columns hold which entities, how often) as JSON and as a self-contained HTML page, and the
//! findings as SARIF 2.1.0. None of them carries a raw value.

use crate::Event;
use redactyl_formats::generic_path;
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Where entities were found: per file, per field (JSON path, CSV column, e-mail header).
#[derive(Clone, Debug, Default, Serialize)]
pub struct ExposureMap {
    /// Files processed.
    pub files: u64,
    /// Bytes processed.
    pub bytes: u64,
    /// Findings per entity, over the whole run.
    pub totals: BTreeMap<String, u64>,
    /// Per file with findings: per entity, and per field and entity.
    pub by_file: BTreeMap<String, FileExposure>,
    /// Per field name over all files (`$.comments[*].body`, a CSV column), per entity.
    pub by_field: BTreeMap<String, BTreeMap<String, u64>>,
    /// Files that failed or were refused, with why.
    pub not_processed: BTreeMap<String, String>,
}

/// One file's part of the [`ExposureMap`].
#[derive(Clone, Debug, Default, Serialize)]
pub struct FileExposure {
    /// The support-tool export the file looks like.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shape: Option<&'static str>,
    /// Findings per entity.
    pub entities: BTreeMap<String, u64>,
    /// Findings per field and entity (plain text has no fields).
    pub fields: BTreeMap<String, BTreeMap<String, u64>>,
}

impl ExposureMap {
    /// Takes one event into account.
    pub fn add(&mut self, e: &Event) {
        match e {
            Event::File(f) => {
                self.files += 1;
                self.bytes += f.bytes;
                self.add_hits(&f.path, f.shape, &f.hits);
            }
            Event::Hits { path, hits } => self.add_hits(path, None, hits),
            Event::Failed { path, reason } | Event::Refused { path, reason } => {
                self.not_processed.insert(path.clone(), reason.clone());
            }
            Event::Skipped { .. } => {}
        }
    }

    /// Counts a file's findings (all or some of them).
    fn add_hits(
        &mut self,
        path: &str,
        shape: Option<&'static str>,
        hits: &[redactyl_formats::Hit],
    ) {
        if hits.is_empty() {
            return;
        }
        let file = self.by_file.entry(path.to_string()).or_default();
        file.shape = file.shape.or(shape);
        for h in hits {
            *self.totals.entry(h.entity.to_string()).or_default() += 1;
            *file.entities.entry(h.entity.to_string()).or_default() += 1;
            if let Some(field) = &h.field {
                let g = generic_path(field);
                *file
                    .fields
                    .entry(g.clone())
                    .or_default()
                    .entry(h.entity.to_string())
                    .or_default() += 1;
                *self
                    .by_field
                    .entry(g)
                    .or_default()
                    .entry(h.entity.to_string())
                    .or_default() += 1;
            }
        }
    }

    /// The map as JSON.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// A self-contained HTML page (no external resources): totals as a bar chart, then the
    /// files and fields that hold each entity. The page draws itself from the JSON it embeds.
    pub fn to_html(&self, title: &str) -> String {
        // `</` cannot end the script early once written as `<\/`.
        let data = self.to_json().to_string().replace("</", "<\\/");
        HTML.replace("{{TITLE}}", &escape(title))
            .replace("{{DATA}}", &data)
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const HTML: &str = r##"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{TITLE}}</title>
<style>
  body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 68rem; color: #1d2433; padding: 0 1rem; }
  h1 { font-size: 1.5rem; margin-bottom: .2rem; }
  .sub { color: #5b6478; margin-top: 0; }
  .cards { display: flex; gap: 1rem; margin: 1.2rem 0; flex-wrap: wrap; }
  .card { border: 1px solid #d8dce6; border-radius: 8px; padding: .7rem 1rem; min-width: 9rem; }
  .card b { display: block; font-size: 1.4rem; }
  table { border-collapse: collapse; width: 100%; margin: .6rem 0 1.6rem; }
  th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid #e4e7ee; vertical-align: top; }
  th { background: #f4f6fa; }
  td.n { text-align: right; font-variant-numeric: tabular-nums; }
  .tag { display: inline-block; background: #eef1f7; border-radius: 4px; padding: 0 .4rem; margin: 0 .25rem .2rem 0; font-size: 12px; }
  svg text { font: 12px system-ui, sans-serif; fill: #1d2433; }
</style>
</head>
<body>
<h1>{{TITLE}}</h1>
<p class="sub">Where personal data sits: counts only, no values.</p>
<div class="cards" id="cards"></div>
<h2>Findings by entity</h2>
<svg id="chart" width="100%" role="img" aria-label="Findings by entity"></svg>
<table id="entities"><thead><tr><th>Entity</th><th>Findings</th><th>Files</th></tr></thead><tbody></tbody></table>
<h2>Fields</h2>
<table id="fields"><thead><tr><th>Field (JSON path, CSV column, e-mail header)</th><th>Entities</th></tr></thead><tbody></tbody></table>
<h2>Files</h2>
<table id="files"><thead><tr><th>File</th><th>Entities</th></tr></thead><tbody></tbody></table>
<h2>Not processed</h2>
<table id="failed"><thead><tr><th>File</th><th>Why</th></tr></thead><tbody></tbody></table>
<script id="data" type="application/json">{{DATA}}</script>
<script>
(function () {
  var d = JSON.parse(document.getElementById("data").textContent);
  function el(tag, text, cls) { var e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; }
  function tags(counts) { var td = el("td"); Object.keys(counts).forEach(function (k) { td.appendChild(el("span", k + " " + counts[k], "tag")); }); return td; }
  var total = Object.keys(d.totals).reduce(function (s, k) { return s + d.totals[k]; }, 0);
  [["Files", d.files], ["Findings", total], ["Entities", Object.keys(d.totals).length], ["Files with findings", Object.keys(d.by_file).length], ["Not processed", Object.keys(d.not_processed).length]].forEach(function (c) {
    var card = el("div", undefined, "card"); card.appendChild(el("b", String(c[1]))); card.appendChild(document.createTextNode(c[0])); document.getElementById("cards").appendChild(card);
  });
  var names = Object.keys(d.totals).sort(function (a, b) { return d.totals[b] - d.totals[a]; });
  var svg = document.getElementById("chart"), ns = "http://www.w3.org/2000/svg", bar = 22, left = 170, width = 640;
  var max = names.length ? d.totals[names[0]] : 1;
  svg.setAttribute("height", String(Math.max(1, names.length) * bar + 8));
  svg.setAttribute("viewBox", "0 0 " + (left + width + 60) + " " + (Math.max(1, names.length) * bar + 8));
  names.forEach(function (n, i) {
    var y = i * bar + 4, w = Math.max(2, Math.round(width * d.totals[n] / max));
    var label = document.createElementNS(ns, "text"); label.setAttribute("x", "0"); label.setAttribute("y", String(y + 15)); label.textContent = n; svg.appendChild(label);
    var r = document.createElementNS(ns, "rect"); r.setAttribute("x", String(left)); r.setAttribute("y", String(y)); r.setAttribute("width", String(w)); r.setAttribute("height", String(bar - 6)); r.setAttribute("fill", "#4f6bd8"); svg.appendChild(r);
    var v = document.createElementNS(ns, "text"); v.setAttribute("x", String(left + w + 6)); v.setAttribute("y", String(y + 15)); v.setAttribute("class", "count"); v.textContent = String(d.totals[n]); svg.appendChild(v);
  });
  var ent = document.querySelector("#entities tbody");
  names.forEach(function (n) {
    var files = Object.keys(d.by_file).filter(function (f) { return d.by_file[f].entities[n]; }).length;
    var tr = el("tr"); tr.appendChild(el("td", n)); tr.appendChild(el("td", String(d.totals[n]), "n")); tr.appendChild(el("td", String(files), "n")); ent.appendChild(tr);
  });
  var fields = document.querySelector("#fields tbody");
  Object.keys(d.by_field).forEach(function (f) { var tr = el("tr"); tr.appendChild(el("td", f)); tr.appendChild(tags(d.by_field[f])); fields.appendChild(tr); });
  var files = document.querySelector("#files tbody");
  Object.keys(d.by_file).forEach(function (f) { var tr = el("tr"); var name = d.by_file[f].shape ? f + " (" + d.by_file[f].shape + ")" : f; tr.appendChild(el("td", name)); tr.appendChild(tags(d.by_file[f].entities)); files.appendChild(tr); });
  var failed = document.querySelector("#failed tbody");
  Object.keys(d.not_processed).forEach(function (f) { var tr = el("tr"); tr.appendChild(el("td", f)); tr.appendChild(el("td", d.not_processed[f])); failed.appendChild(tr); });
  document.body.setAttribute("data-rendered", String(total));
})();
</script>
</body>
</html>
"##;

/// The findings of a run as a SARIF 2.1.0 log.
#[derive(Debug, Default)]
pub struct Sarif {
    results: Vec<Value>,
    rules: BTreeMap<String, String>,
}

impl Sarif {
    /// Takes one event into account (findings become results; failures and refusals become
    /// tool notifications).
    pub fn add(&mut self, e: &Event) {
        let (path, hits) = match e {
            Event::File(f) => (&f.path, &f.hits),
            Event::Hits { path, hits } => (path, hits),
            _ => return,
        };
        for h in hits {
            self.rules
                .entry(h.rule.to_string())
                .or_insert_with(|| h.entity.to_string());
            let mut region = json!({
                "startLine": h.line,
                "byteOffset": h.start,
                "byteLength": h.end - h.start,
            });
            if let Some(field) = &h.field {
                region["properties"] = json!({ "field": field });
            }
            self.results.push(json!({
                "ruleId": &*h.rule,
                "level": "warning",
                "message": { "text": format!("{} found", h.entity) },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": path },
                        "region": region,
                    }
                }],
                "properties": { "entity": &*h.entity, "score": (h.score * 1000.0).round() / 1000.0 },
            }));
        }
    }

    /// The log.
    pub fn to_json(&self) -> Value {
        let rules: Vec<Value> = self
            .rules
            .iter()
            .map(|(id, entity)| {
                json!({
                    "id": id,
                    "name": entity,
                    "shortDescription": { "text": format!("{entity} ({id})") },
                })
            })
            .collect();
        json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": { "driver": {
                    "name": "redactyl",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://github.com/redactyl/redactyl",
                    "rules": rules,
                }},
                "results": self.results,
            }]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(entity: &str, start: usize, field: Option<&str>) -> redactyl_formats::Hit {
        redactyl_formats::Hit {
            entity: entity.into(),
            rule: entity.to_lowercase().into(),
            score: 0.9,
            start,
            end: start + 4,
            record: None,
            field: field.map(str::to_string),
            line: 1,
            value: None,
        }
    }

    /// A file's findings handed on in parts ahead of its report count as the same findings
    /// in the report: the maps and SARIF results are the same.
    #[test]
    fn findings_in_parts_count_as_in_the_report() {
        let hits: Vec<_> = (0..5)
            .map(|i| {
                hit(
                    ["EMAIL", "PHONE"][i % 2],
                    10 * i,
                    (i == 3).then_some("$.a[1]"),
                )
            })
            .collect();
        let report = |hits: &[redactyl_formats::Hit]| {
            Event::File(crate::FileReport {
                path: "big.txt".into(),
                format: redactyl_formats::Format::Text,
                shape: None,
                bytes: 100,
                hits: hits.to_vec(),
                problems: Vec::new(),
                residual: Vec::new(),
                audit: None,
            })
        };
        let whole = [report(&hits)];
        let parts = [
            Event::Hits {
                path: "big.txt".into(),
                hits: hits[..2].to_vec(),
            },
            Event::Hits {
                path: "big.txt".into(),
                hits: hits[2..4].to_vec(),
            },
            report(&hits[4..]),
        ];
        let (mut map_a, mut map_b) = (ExposureMap::default(), ExposureMap::default());
        let (mut sarif_a, mut sarif_b) = (Sarif::default(), Sarif::default());
        for e in &whole {
            map_a.add(e);
            sarif_a.add(e);
        }
        for e in &parts {
            map_b.add(e);
            sarif_b.add(e);
        }
        assert_eq!(map_a.to_json(), map_b.to_json());
        assert_eq!(map_b.to_json()["files"], 1);
        assert_eq!(sarif_a.to_json(), sarif_b.to_json());
    }

    #[test]
    fn array_indices_collapse() {
        assert_eq!(generic_path("$.comments[12].body"), "$.comments[*].body");
        assert_eq!(generic_path("$[0][\"a b\"]"), "$[*][\"a b\"]");
        assert_eq!(generic_path("SuppliedEmail"), "SuppliedEmail");
    }
}
