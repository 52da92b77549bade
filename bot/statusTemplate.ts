/**
 * The status page (Mustache: every `{{value}}` is HTML-escaped). Plain HTML and CSS, readable
 * without JavaScript; it refreshes itself every 10 s with a meta tag.
 */
export const statusTemplate = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="10">
<title>kcibot: {{stack}} is {{state}}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; }
table { border-collapse: collapse; }
th, td { border: 1px solid #ccc; padding: 0.3rem 0.6rem; text-align: left; vertical-align: top; }
.succeeded { color: #176f2c; } .failed { color: #b00020; } .running { color: #0b5cad; }
progress { width: 20rem; }
</style>
</head>
<body>
<h1>kcibot: staging deploys of <code>{{stack}}</code></h1>
<section id="state">
<h2>State: <span class="state">{{state}}</span></h2>
{{#running}}
<p>Deploy #{{id}} ({{cycle}}, attempt {{attempt}}) started {{startedAt}}:
{{#progress}}<progress max="{{total}}" value="{{done}}"></progress> {{done}} of {{total}} resources done{{/progress}}
{{^progress}}starting{{/progress}}
(<a href="logs/{{log}}">engine log</a>)</p>
{{/running}}
{{#next}}<p>Next start: <time datetime="{{at}}">{{at}}</time>, {{cycle}}: {{reason}}</p>{{/next}}
{{^next}}<p>Nothing scheduled.</p>{{/next}}
<p>Last full cycle: {{lastFull}}. Waiting changes: {{waiting}}.</p>
</section>
<section id="history">
<h2>Last deploys</h2>
{{#hasHistory}}
<table>
<thead><tr><th>#</th><th>cycle</th><th>PRs and heads</th><th>result</th><th>started</th><th>duration</th><th>log</th></tr></thead>
<tbody>
{{#history}}
<tr class="deploy"><td>{{id}}{{#restartNote}} ({{restartNote}}){{/restartNote}}</td><td>{{cycle}}</td>
<td>{{#changes}}<div>{{label}}{{#sha}} <code>{{sha}}</code>{{/sha}}</div>{{/changes}}</td>
<td class="{{result}}">{{result}}{{#error}}<div><small>{{error}}</small></div>{{/error}}</td>
<td>{{startedAt}}</td><td>{{duration}}</td><td><a href="logs/{{log}}">engine log</a></td></tr>
{{/history}}
</tbody>
</table>
{{/hasHistory}}
{{^hasHistory}}<p>No deploy yet.</p>{{/hasHistory}}
</section>
</body>
</html>
`;
