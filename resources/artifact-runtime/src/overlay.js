// The error panel every artifact page shows in place of a blank frame, and the report of the
// same error to the app, which lists it beside the code with a link to its line.
import runtime, { report } from './registry.js';

const panelCss = `
:host { all: initial; }
.panel { position: fixed; left: 0; right: 0; bottom: 0; max-height: 60vh; overflow: auto;
  box-sizing: border-box; padding: 14px 18px; background: #fef2f2; color: #7f1d1d;
  border-top: 3px solid #dc2626; font: 14px/1.5 system-ui, sans-serif; z-index: 2147483647; }
.title { font-weight: 600; color: #b91c1c; margin-bottom: 4px; }
.where { color: #991b1b; font-size: 12px; margin-bottom: 6px; }
pre { margin: 0; white-space: pre-wrap; font: 13px/1.45 ui-monospace, monospace; }
`;

let list = null;
let host = null;

function panel() {
    if (list) return list;
    host = document.createElement('tandem-error');
    const shadow = host.attachShadow({ mode: 'open' });
    shadow.innerHTML = `<style>${panelCss}</style><div class="panel"></div>`;
    (document.body || document.documentElement).append(host);
    list = shadow.querySelector('.panel');
    return list;
}

// Also reveals the page: a hidden half-rendered page would hide the panel with it.
runtime.showError = (title, message, line, column) => {
    document.documentElement.classList.remove('tandem-cloak');
    const entry = document.createElement('div');
    const where = line > 0 ? `Line ${line}${column > 0 ? `, column ${column}` : ''}` : '';
    entry.innerHTML = '<div class="title"></div><div class="where"></div><pre></pre>';
    entry.querySelector('.title').textContent = title;
    entry.querySelector('.where').textContent = where;
    entry.querySelector('pre').textContent = message;
    panel().append(entry);
    report({ kind: 'error', title, message, line: line || 0, column: column || 0 });
};

// Before the same page runs new code: the old code's errors no longer apply.
runtime.clearErrors = () => {
    if (host) host.remove();
    host = null;
    list = null;
};
