"""The page's one inline style sheet (screen and print)."""

from __future__ import annotations

CSS = """
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:0;
color:#1d2430;line-height:1.4;background:#fff}
main{max-width:1340px;margin:0 auto;padding:1rem 1.5rem 3rem}
h1{font-size:1.5rem;margin:.3rem 0}
h2{font-size:1.15rem;margin:2rem 0 .5rem;border-bottom:2px solid #dde3ea;padding-bottom:.25rem}
h4{margin:.4rem 0 .1rem;font-size:.8rem}
p{margin:.4rem 0}
.muted{color:#5b6675}
.key,.more,.about{font-size:.84rem}
.banner{background:#fff4d6;border-left:6px solid #E69F00;padding:.5rem .8rem;font-weight:600}
.facts{display:grid;grid-template-columns:repeat(auto-fit,minmax(11rem,1fr));gap:.6rem;
margin:1rem 0}
.fact{background:#f4f6f9;border-radius:.4rem;padding:.55rem .7rem;font-size:.85rem}
.fact b{display:block;font-size:1.25rem}
.scroll{overflow-x:auto;max-width:100%}
.defs{position:absolute;width:0;height:0;overflow:hidden}
table{border-collapse:collapse;width:100%;font-size:.84rem;margin:.4rem 0}
th,td{text-align:left;padding:.3rem .45rem;border-bottom:1px solid #e6eaef;vertical-align:top;
overflow-wrap:anywhere}
th{background:#f4f6f9}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.wide{min-width:16rem}
code{font-size:.8rem;overflow-wrap:anywhere}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f4f6f9;padding:.4rem;
font-size:.76rem;margin:.2rem 0}
svg{display:block}
svg text{font-size:10px}
svg .cl{font-size:9px;font-weight:700;text-anchor:middle}
svg .rl{font-size:10.5px;font-weight:600}
svg .month{font-size:10px;fill:#3a4454}
svg .day{font-size:8px;fill:#5b6675}
svg .tl-check{font-size:10.5px;font-weight:600}
svg .tl-res{font-size:9.5px;fill:#3a4454}
svg .risk{font-size:9px;font-weight:700;fill:#ffffff}
svg .val,svg .tl-ttf{font-size:10.5px}
.tick{stroke:#aab4c2;stroke-width:1}
.week{stroke:#e0e5eb;stroke-width:1}
.now{stroke:#000;stroke-width:1.5;stroke-dasharray:4 3}
.legend{list-style:none;display:flex;flex-wrap:wrap;gap:.3rem 1.2rem;padding:0;margin:.5rem 0;
font-size:.84rem}
.legend li{display:flex;align-items:center;gap:.3rem}
.sw{display:inline-block}
.swatch{display:inline-block;width:1.2em;height:.8em;vertical-align:middle;
border:1px solid #999}
.st-automated,.fixed,.good{color:#116329}
.st-none,.open,.expired,.bad{color:#b42318;font-weight:600}
.st-partial,.unknown,.warn{color:#8a5a00}
.st-attached{color:#1f4f99}.st-out-of-scope{color:#777}
.accepted{color:#7a2a5e;font-weight:600}
details>summary{cursor:pointer;font-weight:600}
.figure{break-inside:avoid;page-break-inside:avoid}
@page{size:A4 landscape;margin:10mm}
@media print{
main{max-width:none;padding:0}
.scroll{overflow:visible}
svg:not(.sw){max-width:100%;height:auto}
h2{break-after:avoid;page-break-after:avoid}
tr{break-inside:avoid}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
"""
