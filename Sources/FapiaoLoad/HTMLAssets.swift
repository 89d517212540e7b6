/// The report's inline style sheet and script (the page loads nothing from outside).
enum HTMLAssets {
    /// The style sheet: system fonts with Chinese fallbacks, cards, badges, sticky table headers, print rules.
    static let css = """
        :root{--fg:#1f2933;--muted:#616e7c;--line:#d9e2ec;--bg:#f5f7fa;--high:#c53030;--medium:#d69e2e;--info:#7b93b8;--ok:#2f855a;--new:#2b6cb0}
        *{box-sizing:border-box}
        body{margin:0;color:var(--fg);background:var(--bg);font:14px/1.5 -apple-system,"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Micro Hei",sans-serif}
        header{background:#243b53;color:#fff;padding:16px 24px}
        header h1{margin:0;font-size:22px}
        header .meta{margin:4px 0 0;color:#d9e2ec}
        header .en{color:#bcccdc}
        .en{color:var(--muted);font-size:.85em;margin-left:.25em}
        td .en,td div.en{margin-left:0}
        nav.filters{position:sticky;top:0;z-index:3;display:flex;flex-wrap:wrap;gap:8px 20px;align-items:center;padding:8px 24px;background:#fff;border-bottom:1px solid var(--line)}
        nav.filters select{font:inherit;padding:2px 4px}
        nav .jump a{margin-right:10px;color:var(--new);text-decoration:none}
        main{padding:8px 24px 24px}
        section{background:#fff;border:1px solid var(--line);border-radius:6px;margin:16px 0;padding:12px 16px}
        section.empty{padding:6px 16px;background:#fafbfc}
        section.empty h2{font-size:15px;color:var(--muted)}
        h2{font-size:18px;margin:4px 0 6px}
        h2 .count{display:inline-block;min-width:2em;padding:0 8px;border-radius:10px;background:#e4e7eb;text-align:center;font-size:14px}
        h2 .money{font-size:14px;color:var(--high);margin-left:8px}
        .guide{margin:0 0 8px;color:#3e4c59}
        .none{margin:0;color:var(--muted)}
        .cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(180px,1fr));gap:12px}
        .card{border:1px solid var(--line);border-radius:6px;padding:10px 14px;background:#fff}
        .card .label{color:var(--muted)}
        .card .value{font-size:26px;font-weight:600;font-variant-numeric:tabular-nums}
        .card .note{color:var(--muted);font-size:12px;min-height:1em}
        .card.high .value{color:var(--high)}
        .card.ok .value{color:var(--ok)}
        .types{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:8px;margin-top:12px}
        .type{display:flex;flex-direction:column;border:1px solid var(--line);border-left:4px solid var(--high);border-radius:4px;padding:6px 10px;color:inherit;text-decoration:none}
        .type b{font-size:20px}
        .type .en{margin-left:0}
        .type .money{color:var(--high);font-size:12px}
        .type.zero{border-left-color:var(--line);color:var(--muted)}
        .type.zero b{font-weight:400}
        .tools{margin:4px 0 8px;color:var(--muted)}
        .tools input{font:inherit;width:320px;max-width:100%;padding:4px 8px;border:1px solid var(--line);border-radius:4px}
        .tools .cap{color:var(--high)}
        .scroll{overflow-x:auto}
        table{border-collapse:collapse;width:100%}
        th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
        th{background:#f0f4f8;font-weight:600;white-space:nowrap;cursor:pointer;user-select:none}
        th .en{white-space:normal}
        th .en{display:block;margin-left:0;font-weight:400}
        th[data-dir=asc]::after{content:" ▲"}
        th[data-dir=desc]::after{content:" ▼"}
        tbody tr:hover{background:#f8fafc}
        tfoot td{font-weight:600;border-top:2px solid var(--line)}
        table.branches td:first-child{white-space:nowrap}
        td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
        td.neg{color:var(--high)}
        td.mono{font-family:ui-monospace,Menlo,Consolas,monospace;white-space:nowrap}
        td.file{font-size:12px;color:#3e4c59;min-width:150px;max-width:220px;white-space:normal;overflow-wrap:anywhere}
        td.badges,td.field{white-space:nowrap}
        td.badges .badge{display:block;margin:2px 0;text-align:center}
        .nowrap{white-space:nowrap}
        td.date{white-space:nowrap}
        td.msg{min-width:220px;overflow-wrap:anywhere}
        td.val{max-width:260px;overflow-wrap:anywhere}
        td.act{min-width:170px;color:#3e4c59}
        td.sev-high{color:var(--high);font-weight:600}
        td.sev-medium{color:#975a16}
        .badge{display:inline-block;padding:0 6px;border-radius:3px;white-space:nowrap;font-size:12px;color:#fff}
        .badge .en{color:inherit;opacity:.85}
        .badge.sev-high{background:var(--high)}
        .badge.sev-medium{background:var(--medium)}
        .badge.sev-info{background:var(--info)}
        .badge.st-new{background:var(--new)}
        .badge.st-open{background:#975a16}
        .badge.st-resolved{background:var(--ok)}
        .legend{margin:0;color:var(--muted)}
        .sw{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px;border-radius:2px}
        .sw.sev-high,svg .sev-high{background:var(--high);fill:var(--high)}
        .sw.sev-medium,svg .sev-medium{background:var(--medium);fill:var(--medium)}
        .sw.sev-info,svg .sev-info{background:var(--info);fill:var(--info)}
        svg.chart{width:100%;max-width:960px;height:auto;display:block}
        svg .grid{stroke:var(--line)}
        svg .axis{font-size:11px;fill:var(--muted)}
        svg .axis.tonight{fill:var(--fg);font-weight:600}
        svg .val{font-size:11px;fill:var(--fg)}
        footer{padding:8px 24px 24px;color:var(--muted)}
        @media print{nav.filters,.tools{display:none}section{break-inside:avoid-page}th{position:static}}
        """

    /// Sorting (click a header; numbers by `data-v`) and filtering (branch, status, free text per section).
    static let script = """
        (function(){
        var branch=document.getElementById('f-branch'),status=document.getElementById('f-status');
        function apply(){
          document.querySelectorAll('table.rows').forEach(function(t){
            var s=t.closest('section'),box=s.querySelector('input.filter'),q=box?box.value.trim().toLowerCase():'',n=0;
            Array.prototype.forEach.call(t.tBodies[0].rows,function(r){
              var ok=(!branch.value||r.dataset.branch===branch.value)&&(!status.value||r.dataset.status===status.value)&&(!q||r.textContent.toLowerCase().indexOf(q)>=0);
              r.hidden=!ok;if(ok)n++;});
            var c=s.querySelector('.shown');if(c)c.textContent=n;});
        }
        branch.addEventListener('change',apply);status.addEventListener('change',apply);
        document.querySelectorAll('input.filter').forEach(function(i){i.addEventListener('input',apply);});
        document.querySelectorAll('table.sortable thead th').forEach(function(th){
          th.addEventListener('click',function(){
            var t=th.closest('table'),b=t.tBodies[0],i=Array.prototype.indexOf.call(th.parentNode.children,th);
            var dir=th.dataset.dir==='asc'?'desc':'asc',num=th.dataset.type==='num';
            t.querySelectorAll('thead th').forEach(function(h){delete h.dataset.dir;});th.dataset.dir=dir;
            function key(r){var c=r.cells[i];var v=c.dataset.v!==undefined?c.dataset.v:c.textContent.trim();return num?parseFloat(v)||0:v;}
            var rows=Array.prototype.slice.call(b.rows);
            rows.sort(function(x,y){var a=key(x),c=key(y),r=num?a-c:String(a).localeCompare(String(c),'zh-CN');return dir==='asc'?r:-r;});
            rows.forEach(function(r){b.appendChild(r);});});});
        })();
        """
}
