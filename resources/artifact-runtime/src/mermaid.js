import mermaid from 'mermaid';
import { report } from './registry.js';
import './overlay.js';

// Mermaid counts lines from 1 in the diagram text, as the code pane does.
function lineOf(error) {
    const location = error && error.hash && error.hash.loc;
    if (location) return location.first_line;
    const match = /line (\d+)/i.exec(String(error && error.message));
    return match ? Number(match[1]) : 0;
}

async function draw() {
    mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme: 'default' });
    try {
        const { svg } = await mermaid.render('diagram', globalThis.TandemRuntime.source);
        document.getElementById('root').innerHTML = svg;
        report({ kind: 'rendered' });
    } catch (error) {
        const message = String(error && error.message ? error.message : error);
        globalThis.TandemRuntime.showError('Diagram error', message, lineOf(error));
    }
}

draw();
